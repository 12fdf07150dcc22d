// What to tell the user when the camera cannot be used, from getUserMedia's error (a DOMException
// whose name says why). `say` gives the text in the user's language (the page passes its `t`); without
// it the English (this file stays free of the kit, so unit tests import it without Svelte).
import type { t } from './i18n.ts';

type CameraKey = Parameters<typeof t>[0];
export type CameraSay = (key: CameraKey, english: string, values?: Record<string, string>) => string;

const english: CameraSay = (_key, text) => text;

export function cameraError(err: unknown, say: CameraSay = english): string {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return say(
        'camera.refused',
        'Camera access was refused. Allow the camera for this site in the browser’s settings, or type or scan the code into the field.',
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'DevicesNotFoundError':
      return say('camera.notFound', 'No camera was found on this device. Type the code or use a handheld scanner.');
    case 'NotReadableError':
    case 'AbortError':
      return say(
        'camera.inUse',
        'The camera is in use by another application or could not be started. Close it there and try again.',
      );
    case 'NotSupportedError':
      return say(
        'camera.notSupported',
        'This browser offers no camera here (it needs a secure https:// address). Type the code or use a handheld scanner.',
      );
    default:
      return err instanceof Error && err.message
        ? say(
            'camera.failedWith',
            `The camera could not be started: ${err.message}. Type the code or use a handheld scanner.`,
            { message: err.message },
          )
        : say('camera.failed', 'The camera could not be started. Type the code or use a handheld scanner.');
  }
}
