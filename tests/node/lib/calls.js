// Helpers for calls through the official kurento-client.
'use strict';

const CALL_TIMEOUT_MS = 5000;

// kurento-client 7 resolves the promise of a failed call with `undefined` (it logs the error);
// the error itself only reaches a callback, so that is how failures are checked.
function errorOf(call, timeoutMs = CALL_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    call((error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

// Resolves with the next `name` event of `object`, or rejects after `timeoutMs`.
function nextEvent(object, name, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event in ${timeoutMs} ms`)), timeoutMs);
    object.once(name, (event) => { clearTimeout(timer); resolve(event); });
  });
}

module.exports = { errorOf, nextEvent };
