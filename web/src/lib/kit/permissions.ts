// The kernel's own rule (one function for both), for showing or hiding things; the API enforces it again.
export { allows } from '@elevate/sdk/permissions';
