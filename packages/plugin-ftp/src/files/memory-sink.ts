import { Writable } from 'node:stream';

/** Collects a download in memory, keeping at most `maxBytes` (the rest is counted, not kept). */
export class MemorySink extends Writable {
  private readonly chunks: Buffer[] = [];
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  get overflowed(): boolean {
    return this.bytes > this.maxBytes;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    // Beyond the cap the transfer is drained rather than cut, so the control connection stays usable.
    if (!this.overflowed) this.chunks.push(chunk);
    callback();
  }

  content(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
