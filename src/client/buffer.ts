/** One item waiting: an event (for `/api/v1/ingest` batches) or a feedback (sent alone), serialized. */
export interface Item {
  kind: 'event' | 'feedback';
  seq: number;
  json: string;
}

/**
 * A bounded FIFO that drops the OLDEST item when full (the newest traffic is the most useful once
 * the server is back). Array with a moving head: O(1) amortized push and shift.
 */
export class DropOldestBuffer {
  private items: Item[] = [];
  private head = 0;

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds an item; returns how many of the oldest were dropped to make room. */
  push(item: Item): number {
    this.items.push(item);
    let dropped = 0;
    while (this.length > this.capacity) {
      this.shift();
      dropped++;
    }
    return dropped;
  }

  peek(): Item | undefined {
    return this.items[this.head];
  }

  shift(): Item | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head];
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Puts items back at the front, in order (a batch to resend); the next `push` trims to capacity. */
  unshift(items: Item[]): void {
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
  }
}
