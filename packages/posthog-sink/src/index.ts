export type { ReceivedEvent } from './capture.js';
export { type DecodeResult, decodeBody, type EncodingHints } from './decode.js';
export { describeMode, normalizeMode, type SinkMode, type SinkModeName, type SinkModeSpec } from './modes.js';
export type { ReceivedRequest, RequestOutcome, WaitOptions } from './recorder.js';
export { type Sink, type SinkOptions, startSink } from './sink.js';
