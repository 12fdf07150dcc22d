import type { EntryWithExtras } from '@elevate-fixture/journal-extras';
declare const e: EntryWithExtras;
const bad: { mood: number } = e;
export { bad };
