// A screen that shows one document (or an act and its invoice) reloads when the node's event stream names what it
// shows: a dispute, a corrected act or a decision made elsewhere appears without a refresh.
import { useEffect, useRef } from 'react';
import { subscribe, type Notification } from '../api';

export function useLiveReload(concerns: (n: Notification) => boolean, reload: () => void): void {
  const latest = useRef({ concerns, reload });
  latest.current = { concerns, reload };
  useEffect(
    () =>
      subscribe(
        (n) => {
          if (latest.current.concerns(n)) latest.current.reload();
        },
        () => undefined,
      ),
    [],
  );
}
