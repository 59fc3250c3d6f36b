import { parseOlderThan } from './older-than';

describe('parseOlderThan', () => {
  it.each([
    ['1h', 3600],
    ['7d', 7 * 86_400],
    ['2d', 2 * 86_400],
    ['14d', 14 * 86_400],
    ['1month', 30 * 86_400],
    ['3months', 90 * 86_400],
    ['1mo', 30 * 86_400],
    ['1w', 7 * 86_400],
    ['1y', 365 * 86_400],
    ['30m', 1800],
    ['45s', 45],
    ['3600', 3600],
    ['2 days', 2 * 86_400],
    ['1h30m', 5400],
    ['1 hour 30 minutes', 5400],
    ['1 day and 2 hours', 93_600],
    [' 7D ', 7 * 86_400],
    ['1.5h', 5400],
  ])('reads %j as %i seconds', (text, seconds) => {
    expect(parseOlderThan(text)).toBe(seconds);
  });

  it.each(['', 'soon', '0', '0d', '-1d', '7 fortnights', 'd7', '1h bogus', '7d;drop', 'x'.repeat(100), '9'.repeat(30) + 'y'])('refuses %j', (text) => {
    expect(parseOlderThan(text)).toBeNull();
  });
});
