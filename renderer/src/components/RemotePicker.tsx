import { useState } from 'react';
import type { RemoteView } from '../../../shared/model/transfer';
import { call } from '../lib/api';
import { useAsync } from '../lib/useAsync';

/**
 * The remotes of the vault (remotes.list) and the one chosen: the first until the person picks one ('' when there
 * is none), as Share and Receive offer them.
 */
export function useRemoteChoice() {
  const [remote, setRemote] = useState('');
  const remotes = useAsync(() => call('remotes.list', {}), []);
  const list = remotes.value ?? [];
  return { remotes: list, remoteName: remote || list[0]?.name || '', setRemote };
}

/** The labelled <select> of the remotes, each shown by its name and address. */
export function RemotePicker({ id, label, remotes, value, onChange }: { readonly id: string; readonly label: string; readonly remotes: readonly RemoteView[]; readonly value: string; readonly onChange: (name: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {remotes.map((r) => (
          <option key={r.name} value={r.name}>
            {r.name} ({r.url})
          </option>
        ))}
      </select>
    </div>
  );
}
