import { FormEvent, useEffect, useId, useState } from 'react';

/** A labelled search field; searches on Enter or the button, and on clearing. */
export function SearchBox({ label, value, onSearch, placeholder }: { label: string; value: string; onSearch: (value: string) => void; placeholder?: string }) {
  const [text, setText] = useState(value);
  const id = useId();
  useEffect(() => setText(value), [value]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text.trim());
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        type="search"
        value={text}
        placeholder={placeholder ?? label}
        onChange={(event) => {
          setText(event.target.value);
          if (event.target.value === '' && value !== '') onSearch('');
        }}
      />
      <button type="submit">Search</button>
    </form>
  );
}
