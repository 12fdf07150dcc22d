export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'error';
}

/** Short messages shown at the bottom of the screen and read by screen readers. */
export class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  push(message: string, kind: 'info' | 'error' = 'info'): void {
    const id = this.#next++;
    this.items.push({ id, message, kind });
    setTimeout(() => this.dismiss(id), kind === 'error' ? 8000 : 4000);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}
