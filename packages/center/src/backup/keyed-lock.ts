/** Runs tasks with the same key one after another (within this process); other keys run freely. */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      // Forget the key once no later task queued behind this one.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
