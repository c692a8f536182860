// Online filing screens, one module each; main.ts registers them from here.
//
// Online filing, guided: sign in with VNeID by QR, one question per screen, documents, how to
// receive the result, review, send, receipt. Every screen has Back, Home and "Kết thúc".
// The citizen's data lives in src/filing/session.ts (memory only) and is cleared when the session
// ends: "Kết thúc", sign-out, Home, or the idle timeout.

export { renderFileDelivery } from './delivery';
export { renderFileDocs } from './docs';
export { renderFileDone } from './done';
export { renderFileLeave } from './leave';
export { renderFileReview } from './review';
export { renderSignin } from './signin';
export { renderFileStart } from './start';
export { renderFileStep } from './step';
