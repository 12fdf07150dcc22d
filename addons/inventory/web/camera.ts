// What to tell the user when the camera cannot be used, from getUserMedia's error (a DOMException
// whose name says why).

export function cameraError(err: unknown): string {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera access was refused. Allow the camera for this site in the browser’s settings, or type or scan the code into the field.';
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'DevicesNotFoundError':
      return 'No camera was found on this device. Type the code or use a handheld scanner.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera is in use by another application or could not be started. Close it there and try again.';
    case 'NotSupportedError':
      return 'This browser offers no camera here (it needs a secure https:// address). Type the code or use a handheld scanner.';
    default:
      return `The camera could not be started${err instanceof Error && err.message ? `: ${err.message}` : ''}. Type the code or use a handheld scanner.`;
  }
}
