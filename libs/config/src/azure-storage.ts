import { ConfigError } from './config-error';
import type { EnvironmentVariables } from './environment';

/** The Azure Blob Storage driver's settings: a connection string, or an account name and key (and an endpoint). */
export interface AzureConfig {
  container: string;
  connectionString?: string;
  accountName?: string;
  accountKey?: string;
  /** Unset: Azure's public cloud, `https://<account>.blob.core.windows.net`. */
  endpoint?: string;
  redirect: boolean;
}

/** Azure's container naming rule. */
const CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** Azure's storage account naming rule (Azurite's devstoreaccount1 follows it too). */
const ACCOUNT = /^[a-z0-9]{3,24}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Checks the AZURE_* variables once STORAGE_DRIVER=azure is chosen, and only then: the container always; then either
 * AZURE_CONNECTION_STRING alone, or AZURE_ACCOUNT_NAME with AZURE_ACCOUNT_KEY (and AZURE_ENDPOINT when the account
 * is not in Azure's public cloud). Errors never repeat a value: these variables hold secrets.
 */
export function azureStorageConfig(vars: EnvironmentVariables): AzureConfig {
  const container = required(vars.AZURE_CONTAINER, 'AZURE_CONTAINER', '');
  if (!CONTAINER.test(container)) {
    throw new ConfigError('AZURE_CONTAINER', 'must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit');
  }
  const redirect = vars.AZURE_REDIRECT === 'true';
  if (vars.AZURE_CONNECTION_STRING !== undefined) {
    for (const variable of ['AZURE_ACCOUNT_NAME', 'AZURE_ACCOUNT_KEY', 'AZURE_ENDPOINT'] as const) {
      if (vars[variable] !== undefined) {
        throw new ConfigError(variable, 'cannot be combined with AZURE_CONNECTION_STRING, which names the account, its credential and its endpoint');
      }
    }
    const signsWithKey = connectionStringSignsWithKey(vars.AZURE_CONNECTION_STRING);
    if (signsWithKey === undefined) {
      throw new ConfigError(
        'AZURE_CONNECTION_STRING',
        'must be an Azure Storage connection string: AccountName=...;AccountKey=...[;BlobEndpoint=...], BlobEndpoint=...;SharedAccessSignature=..., or UseDevelopmentStorage=true',
      );
    }
    if (redirect && !signsWithKey) {
      throw new ConfigError('AZURE_REDIRECT', 'needs the account key to sign read-only SAS URLs, and AZURE_CONNECTION_STRING has none (use one with AccountKey)');
    }
    return { container, connectionString: vars.AZURE_CONNECTION_STRING, redirect };
  }
  const accountName = required(vars.AZURE_ACCOUNT_NAME, 'AZURE_ACCOUNT_NAME', ' (or set AZURE_CONNECTION_STRING)');
  if (!ACCOUNT.test(accountName)) throw new ConfigError('AZURE_ACCOUNT_NAME', 'must be 3-24 lowercase letters and digits');
  const accountKey = required(vars.AZURE_ACCOUNT_KEY, 'AZURE_ACCOUNT_KEY', ' (or set AZURE_CONNECTION_STRING)');
  if (!BASE64.test(accountKey)) throw new ConfigError('AZURE_ACCOUNT_KEY', 'must be the base64 account key, as the portal shows it');
  return { container, accountName, accountKey, endpoint: vars.AZURE_ENDPOINT?.replace(/\/+$/, ''), redirect };
}

function required(value: string | undefined, variable: string, alternative: string): string {
  if (value === undefined) throw new ConfigError(variable, `is required when STORAGE_DRIVER=azure${alternative}`);
  return value;
}

/**
 * Whether a connection string authorises with the account key (true: it can sign SAS URLs) or with a SAS of its own
 * (false); undefined when it is not a storage connection string at all (`Key=Value` pairs separated by `;`).
 */
function connectionStringSignsWithKey(value: string): boolean | undefined {
  const fields = new Map<string, string>();
  for (const part of value.split(';').filter((p) => p.trim() !== '')) {
    const at = part.indexOf('=');
    if (at <= 0) return undefined;
    fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim()); // keys are base64: values may hold '='
  }
  if (fields.get('UseDevelopmentStorage') === 'true') return true; // Azurite's well-known account and key
  if (fields.has('AccountKey')) return fields.has('AccountName') ? true : undefined;
  if (fields.has('SharedAccessSignature')) return fields.has('BlobEndpoint') ? false : undefined;
  return undefined;
}
