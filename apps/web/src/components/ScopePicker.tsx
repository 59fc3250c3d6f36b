/** Checkboxes for token scopes, as one labelled group. */
export function ScopePicker({ legend, scopes, value, onChange }: { legend: string; scopes: Array<[string, string]>; value: string[]; onChange: (value: string[]) => void }) {
  return (
    <fieldset className="scopes">
      <legend>{legend}</legend>
      {scopes.map(([scope, description]) => (
        <label key={scope} className="check">
          <input
            type="checkbox"
            checked={value.includes(scope)}
            onChange={(event) => onChange(event.target.checked ? [...value, scope] : value.filter((s) => s !== scope))}
          />{' '}
          <code>{scope}</code> <span className="sub">{description}</span>
        </label>
      ))}
    </fieldset>
  );
}
