// sales' server-side texts (invoice PDF words; its title, description and permission titles in the
// marketplace and the role editor) in the reader's language: ./messages/<lang>.json.
import { serverMessages } from '@elevate/sdk';

export const messages = serverMessages<typeof import('./messages/en.json')>(new URL('./messages/', import.meta.url));
