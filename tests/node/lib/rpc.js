// A raw JSON-RPC 2.0 connection over WebSocket, for testing the protocol byte by byte (the
// official kurento-client is used by kurento-client.test.js; this one sends what it never would).
'use strict';

const WebSocket = require('ws');

const ANSWER_TIMEOUT_MS = 10000;

class RpcConnection {
  constructor(url, options = {}) {
    this.url = url;
    this.options = options;
    this.nextId = 0;
    this.pending = new Map();
    this.events = [];
    this.eventWaiters = [];
  }

  open() {
    this.socket = new WebSocket(this.url, { maxPayload: 64 * 1024 * 1024, ...this.options });
    this.socket.on('message', (data) => this.onMessage(data.toString()));
    this.closed = new Promise((resolve) => this.socket.once('close', resolve));
    return new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve(this));
      this.socket.once('error', reject);
    });
  }

  onMessage(text) {
    const message = JSON.parse(text);
    if (message.method === 'onEvent') {
      this.events.push(message.params.value);
      this.eventWaiters = this.eventWaiters.filter((waiter) => !waiter(message.params.value));
      return;
    }
    const key = JSON.stringify(message.id);
    const waiter = this.pending.get(key);
    if (waiter) {
      this.pending.delete(key);
      waiter(message);
    }
  }

  // Sends raw text; resolves with the next answer carrying `id` (or null when none is due).
  sendRaw(text, id) {
    const answer = this.answerTo(id);
    this.socket.send(text);
    return answer;
  }

  answerTo(id) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(JSON.stringify(id));
        reject(new Error(`no answer to id ${JSON.stringify(id)} within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      this.pending.set(JSON.stringify(id), (message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }

  // Resolves with the whole response message.
  request(method, params) {
    const id = this.nextId++;
    return this.sendRaw(JSON.stringify({ jsonrpc: '2.0', id, method, params }), id);
  }

  // Resolves with `result`, rejects with the error object (code, message, data).
  async call(method, params) {
    const response = await this.request(method, params);
    if (response.error) {
      const error = new Error(`${method}: ${response.error.code} ${response.error.message}`);
      Object.assign(error, response.error);
      throw error;
    }
    return response.result;
  }

  // Resolves with the error object of a call that must fail.
  async error(method, params) {
    const response = await this.request(method, params);
    if (!response.error) {
      throw new Error(`${method} ${JSON.stringify(params)} succeeded: ${JSON.stringify(response)}`);
    }
    return response.error;
  }

  waitForEvent(predicate, timeoutMs = 5000) {
    const seen = this.events.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms`)),
        timeoutMs);
      this.eventWaiters.push((event) => {
        if (!predicate(event)) return false;
        clearTimeout(timer);
        resolve(event);
        return true;
      });
    });
  }

  close() {
    this.socket.close();
    return this.closed;
  }
}

async function connect(url, options) {
  return new RpcConnection(url, options).open();
}

module.exports = { connect, RpcConnection };
