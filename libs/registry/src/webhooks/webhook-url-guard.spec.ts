import { checkWebhookUrl } from './webhook-url-guard';
import { WebhookUrlError } from './webhook-errors';

const resolver = (answers: Record<string, string[]>) => async (host: string) => {
  if (!(host in answers)) throw new Error('ENOTFOUND');
  return answers[host];
};

describe('checkWebhookUrl', () => {
  const resolve = resolver({ 'hooks.example.com': ['93.184.216.34'], 'internal.example.com': ['10.0.0.5'], 'mixed.example.com': ['93.184.216.34', '::1'] });

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
