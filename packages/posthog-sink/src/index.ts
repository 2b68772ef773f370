export { auditDelivery, carriedUuids, type DeliveryAudit } from './audit.js';
export type { ReceivedEvent } from './capture.js';
export { type DecodeResult, decodeBody, type EncodingHints } from './decode.js';
export { describeMode, normalizeMode, type SinkMode, type SinkModeName, type SinkModeSpec } from './modes.js';
export { acceptedUnanswered, type ReceivedRequest, type RequestOutcome, type WaitOptions } from './recorder.js';
export { type Sink, type SinkOptions, startSink } from './sink.js';
