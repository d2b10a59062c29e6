import { h } from './dom.ts';

/**
 * Asks before an action (rotate, disable, delete, ...) in a modal <dialog>: focus moves into it,
 * Escape cancels, and focus returns to the button that opened it. Resolves true on confirm.
 */
export function confirmAction(title: string, body: readonly (Node | string)[], confirmLabel: string): Promise<boolean> {
  const opener = document.activeElement as HTMLElement | null;
  return new Promise((resolve) => {
    const dialog = h(
      'dialog',
      { 'aria-labelledby': 'confirm-title', class: 'confirm' },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: 'confirm-title' }, title),
        ...body.map((b) => (typeof b === 'string' ? h('p', {}, b) : b)),
        h(
          'div',
          { class: 'actions' },
          h('button', { value: 'cancel', type: 'submit' }, 'Cancel'),
          h('button', { value: 'confirm', type: 'submit', class: 'primary' }, confirmLabel),
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
      opener?.focus();
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}
