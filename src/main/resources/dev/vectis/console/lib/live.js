// Server-Sent Events over fetch, authenticated by a single-use stream ticket (POST
// /api/v1/stream-tickets) rather than the token: the ticket is the only credential in the URL,
// and it is spent on first use. fetch rather than EventSource because the operator stream
// names each event by its type, and EventSource cannot listen for every name at once.
// Every reconnect asks for a new ticket and resumes after the last event id seen.

import {api} from './api.js';

const QUIET_LIMIT_MS = 15000; // the server writes at least every 5 s
const MAX_BACKOFF_MS = 3000;

export class LiveStream {
  /**
   * @param path      the stream, e.g. /api/v1/events/stream
   * @param onEvent   ({id, event, data}) for each event
   * @param onState   ('connecting' | 'live' | 'reconnecting' | 'ended', detail)
   * @param from      the id to resume after (0: the stream's own start)
   * @param endsWhen  (event) => true when the stream is over for good (no reconnect after it closes)
   */
  constructor(path, {onEvent, onState = () => {}, from = 0, endsWhen = () => false}) {
    this.path = path;
    this.onEvent = onEvent;
    this.onState = onState;
    this.lastId = from;
    this.endsWhen = endsWhen;
    this.over = false;
    this.stopped = false;
    this.controller = null;
    this.failures = 0;
  }

  start() {
    this.loop();
    return this;
  }

  stop() {
    this.stopped = true;
    if (this.controller) this.controller.abort();
  }

  async loop() {
    while (!this.stopped && !this.over) {
      this.onState(this.failures ? 'reconnecting' : 'connecting');
      try {
        await this.once();
        this.failures = 0;
      } catch (e) {
        if (this.stopped) break;
        this.failures++;
        this.onState('reconnecting', e && e.message);
        await sleep(Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(this.failures, 5)));
      }
    }
    if (!this.stopped) this.onState('ended');
  }

  async once() {
    const ticket = await api('/api/v1/stream-tickets', {method: 'POST', body: {path: this.path}});
    const params = new URLSearchParams({ticket: ticket.data.ticket});
    if (this.lastId) params.set('lastEventId', String(this.lastId));
    this.controller = new AbortController();
    const res = await fetch(this.path + '?' + params, {
      headers: {Accept: 'text/event-stream'}, signal: this.controller.signal, cache: 'no-store', credentials: 'omit',
    });
    if (!res.ok) throw new Error(`stream answered ${res.status}`);
    this.onState('live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let frame = {id: null, event: 'message', data: []};
    let watchdog = setTimeout(() => this.controller.abort(), QUIET_LIMIT_MS);
    try {
      while (true) {
        const {value, done} = await reader.read();
        if (done) break;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => this.controller.abort(), QUIET_LIMIT_MS);
        buffer += value;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (frame.data.length) this.dispatch(frame);
            frame = {id: null, event: 'message', data: []};
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const name = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (name === 'id') frame.id = val;
            else if (name === 'event') frame.event = val;
            else if (name === 'data') frame.data.push(val);
          }
        }
      }
    } finally {
      clearTimeout(watchdog);
    }
    // The server ended the stream: over when the subject finished, else it is time to reconnect.
    if (!this.over) throw new Error('the stream closed');
  }

  dispatch(frame) {
    const id = Number(frame.id);
    if (frame.id !== null && Number.isFinite(id) && id > 0) {
      if (id <= this.lastId && frame.event !== 'status.update' && frame.event !== 'checklist.update') return;
      this.lastId = Math.max(this.lastId, id);
    }
    let data = frame.data.join('\n');
    try {
      data = JSON.parse(data);
    } catch (e) {
      // plain text stays text
    }
    const event = {id, event: frame.event, data};
    try {
      this.onEvent(event);
    } finally {
      if (this.endsWhen(event)) this.over = true;
    }
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The operator event stream, shared by every page: one connection, many listeners. */
export class Hub {
  constructor() {
    this.listeners = new Set();
    this.stateListeners = new Set();
    this.state = 'off';
    this.stream = null;
  }

  start(from) {
    this.stream = new LiveStream('/api/v1/events/stream', {
      from,
      onEvent: (e) => this.listeners.forEach((l) => l(e)),
      onState: (s, detail) => {
        this.state = s;
        this.stateListeners.forEach((l) => l(s, detail));
      },
    }).start();
  }

  stop() {
    if (this.stream) this.stream.stop();
    this.stream = null;
  }

  /** Listens until the returned function is called. */
  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onState(fn) {
    this.stateListeners.add(fn);
    fn(this.state);
    return () => this.stateListeners.delete(fn);
  }

  get lastId() {
    return this.stream ? this.stream.lastId : 0;
  }
}
