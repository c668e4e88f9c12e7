/** What the composition root (app.ts) takes of the auth capability. */
export { Authenticator } from './authenticator.ts';
export { asHandset } from './caller.ts';
export { forgetTriesStep, Lockout } from './lockout.ts';
export { useCallerAuth } from './route-access.ts';
