// A reader that stops early (`elmo --help | head -1`, `elmo telemetry log | grep -m1 sent`) closes the pipe, and
// elmo's next write to it fails with EPIPE. Node reports that as an 'error' event on the stream, which with no
// listener ends the process with a stack trace and exit code 1. For a CLI it is only the end of its output: what is
// still written is dropped, and the command finishes as it would have (its exit code, its telemetry).

const guarded = new WeakSet<NodeJS.EventEmitter>();

function dropIfClosed(error: NodeJS.ErrnoException): void {
  // Any other error of the stream is Node's to report, as it was without this listener.
  if (error.code !== 'EPIPE') throw error;
}

/** `stream` (process.stdout or process.stderr), once given the listener above; asked on every write, set up once. */
export function guardClosedPipe<S extends NodeJS.EventEmitter>(stream: S): S {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', dropIfClosed);
  }
  return stream;
}
