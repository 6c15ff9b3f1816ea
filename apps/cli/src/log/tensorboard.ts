/**
 * TensorBoard event files: a TFRecord stream of `Event` protocol buffers.
 *
 * Record framing: u64 length (LE), u32 masked CRC32C of those 8 bytes, the payload, u32 masked
 * CRC32C of the payload; mask(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8. The first event
 * carries file_version "brain.Event:2". Scalars are Summary.Value.simple_value; images are
 * Summary.Value.image with PNG (or GIF, which TensorBoard animates) bytes.
 *
 * Messages are encoded by protobufjs from the schema below (field numbers as TensorFlow's
 * event.proto / summary.proto). Each event is appended and flushed with one write, so a kill
 * loses at most the event being written; readers stop at a torn tail record.
 */
import { crc32c } from '@aws-crypto/crc32c';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';

const SCHEMA = {
  nested: {
    Event: {
      fields: {
        wall_time: { type: 'double', id: 1 },
        step: { type: 'int64', id: 2 },
        file_version: { type: 'string', id: 3 },
        summary: { type: 'Summary', id: 5 },
        session_log: { type: 'SessionLog', id: 6 },
      },
    },
    // status is the SessionStatus enum (1 = START), encoded as the varint an enum is.
    SessionLog: {
      fields: { status: { type: 'int32', id: 1 }, msg: { type: 'string', id: 3 } },
    },
    Summary: {
      fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
      nested: {
        Image: {
          fields: {
            height: { type: 'int32', id: 1 },
            width: { type: 'int32', id: 2 },
            colorspace: { type: 'int32', id: 3 },
            encoded_image_string: { type: 'bytes', id: 4 },
          },
        },
        Value: {
          fields: {
            tag: { type: 'string', id: 1 },
            simple_value: { type: 'float', id: 2 },
            image: { type: 'Image', id: 4 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(SCHEMA);
const EventType = root.lookupType('Event');

export interface ScalarValue {
  tag: string;
  simple_value: number;
}
export interface ImageValue {
  tag: string;
  image: { height: number; width: number; colorspace: number; encoded_image_string: Uint8Array };
}
export interface DecodedEvent {
  wall_time: number;
  step: number;
  file_version?: string;
  summary?: { value: (ScalarValue | ImageValue)[] };
  session_log?: { status?: number; msg?: string };
}

export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes) >>> 0;
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord: header, payload and their checksums. */
export function frameRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + payload.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(payload.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(payload, 12);
  view.setUint32(12 + payload.length, maskedCrc32c(payload), true);
  return out;
}

export class EventWriter {
  readonly path: string;
  #fd: number;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${hostname()}.${process.pid}`);
    this.#fd = openSync(this.path, 'a');
    this.#write({ wall_time: Date.now() / 1000, step: 0, file_version: 'brain.Event:2' });
  }

  scalars(step: number, values: Record<string, number>): void {
    const value = Object.entries(values)
      .filter(([, v]) => Number.isFinite(v))
      .map(([tag, v]) => ({ tag, simple_value: v }));
    if (value.length > 0) this.#write({ wall_time: Date.now() / 1000, step, summary: { value } });
  }

  /** An encoded PNG or GIF image (TensorBoard plays GIFs). */
  image(step: number, tag: string, encoded: Uint8Array, height: number, width: number, channels = 3): void {
    this.#write({
      wall_time: Date.now() / 1000,
      step,
      summary: { value: [{ tag, image: { height, width, colorspace: channels, encoded_image_string: encoded } }] },
    });
  }

  /**
   * Marks a restart at `step`: TensorBoard then drops the events of earlier files from `step`
   * on (SessionLog START purges orphaned data), so a resumed run's curves don't double back.
   */
  restart(step: number, msg = ''): void {
    this.#write({ wall_time: Date.now() / 1000, step, session_log: { status: 1, msg } });
  }

  /** Makes what was written durable (call at checkpoints). */
  sync(): void {
    fsyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }

  #write(event: object): void {
    const payload = EventType.encode(EventType.fromObject(event)).finish();
    writeSync(this.#fd, frameRecord(payload));
  }
}

/**
 * Reads an event file, checking both checksums of every record. A torn record at the end (a
 * kill mid-write) ends the read; a bad checksum elsewhere is an error naming the offset.
 */
export function readEvents(path: string): DecodedEvent[] {
  const bytes = new Uint8Array(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: DecodedEvent[] = [];
  let off = 0;
  while (off + 12 <= bytes.length) {
    const len = Number(view.getBigUint64(off, true));
    if (view.getUint32(off + 8, true) !== maskedCrc32c(bytes.subarray(off, off + 8))) throw new Error(`${path}: bad length checksum at byte ${off}`);
    if (off + 16 + len > bytes.length) break;
    const payload = bytes.subarray(off + 12, off + 12 + len);
    if (view.getUint32(off + 12 + len, true) !== maskedCrc32c(payload)) throw new Error(`${path}: bad payload checksum at byte ${off}`);
    const msg = EventType.decode(payload);
    const event = EventType.toObject(msg, { longs: Number, bytes: Uint8Array as unknown as typeof String }) as DecodedEvent;
    events.push({ ...event, wall_time: event.wall_time ?? 0, step: event.step ?? 0 });
    off += 16 + len;
  }
  return events;
}
