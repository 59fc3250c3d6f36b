import { FormEvent, useState } from 'react';
import type { RegistryInput, VirtualRegistry } from '../api/virtual-registries';
import { FormActions } from '../components/FormActions';
import { useAction } from '../components/useAction';

interface Props {
  initial?: VirtualRegistry;
  idPrefix: string;
  submitLabel: string;
  onSubmit: (input: RegistryInput) => Promise<void>;
  onCancel?: () => void;
}

/** A registry's name (unique in the group) and description; the API's refusals show under the fields. */
export function RegistryForm({ initial, idPrefix, submitLabel, onSubmit, onCancel }: Props) {
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const { busy, error, run } = useAction();
  const id = (field: string) => `${idPrefix}-${field}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(() => onSubmit({ name: name.trim(), description }));
  };
  return (
    <form className="form" onSubmit={submit} data-testid={`${idPrefix}-form`}>
      <label htmlFor={id('name')}>Registry name</label>
      <input id={id('name')} required maxLength={255} value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={id('description')}>Registry description</label>
      <input id={id('description')} maxLength={1024} value={description} onChange={(e) => setDescription(e.target.value)} />
      <FormActions error={error} busy={busy} submitLabel={submitLabel} onCancel={onCancel} />
    </form>
  );
}
