// crm's server-side texts (notifications) in the reader's language: ./messages/<lang>.json.
import { serverMessages } from '@elevate/sdk';

export const messages = serverMessages<typeof import('./messages/en.json')>(new URL('./messages/', import.meta.url));
