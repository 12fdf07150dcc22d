// The real SMTP test server lives in the test kit (addons use it too): @elevate/testkit/smtp.
export { linkIn, startSmtp, type TestSmtp } from '@elevate/testkit/smtp';
