import { checkWebhookUrl } from './webhook-url-guard';
import { WebhookUrlError } from './webhook-errors';

const resolver = (answers: Record<string, string[]>) => async (host: string) => {
  if (!(host in answers)) throw new Error('ENOTFOUND');
  return answers[host];
};

describe('checkWebhookUrl', () => {
  const resolve = resolver({ 'hooks.example.com': ['93.184.216.34'], 'internal.example.com': ['10.0.0.5'], 'mixed.example.com': ['93.184.216.34', '::1'], 'nat64.example.com': ['64:ff9b::7f00:1'] });

  it('accepts a public host', async () => {
    await expect(checkWebhookUrl('https://hooks.example.com/x', { allowLocal: false, resolve })).resolves.toMatchObject({ addresses: ['93.184.216.34'] });
  });

  it.each([
    'http://127.0.0.1/hook',
    'http://[::1]:8080/hook',
    'http://0.0.0.0/',
    'http://2130706433/',
    'http://0x7f.0.0.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://192.168.0.10/',
    'http://172.20.1.1/',
    'http://10.1.1.1/',
    'http://internal.example.com/',
    'http://mixed.example.com/',
    'http://[::ffff:127.0.0.1]/',
    // Issue #18: IPv4-translated, NAT64 (well-known and local-use), documentation ranges, and names resolving to them.
    'http://[::ffff:0:127.0.0.1]/',
    'http://[64:ff9b::127.0.0.1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[64:ff9b:1::a00:1]/',
    'http://192.0.2.1/',
    'http://198.51.100.1/',
    'http://203.0.113.1/',
    'http://[2001:db8::1]/',
    'http://nat64.example.com/',
  ])('refuses %s unless local requests are allowed', async (url) => {
    await expect(checkWebhookUrl(url, { allowLocal: false, resolve })).rejects.toBeInstanceOf(WebhookUrlError);
    await expect(checkWebhookUrl(url, { allowLocal: true, resolve })).resolves.toBeDefined();
  });

  it('refuses other schemes and unresolvable hosts whatever the setting', async () => {
    await expect(checkWebhookUrl('ftp://hooks.example.com/', { allowLocal: true, resolve })).rejects.toThrow(/schemes/);
    await expect(checkWebhookUrl('file:///etc/passwd', { allowLocal: true, resolve })).rejects.toThrow(/schemes/);
    await expect(checkWebhookUrl('not a url', { allowLocal: true, resolve })).rejects.toBeInstanceOf(WebhookUrlError);
    await expect(checkWebhookUrl('http://nowhere.invalid/', { allowLocal: true, resolve })).rejects.toThrow(/cannot be resolved/);
  });
});
