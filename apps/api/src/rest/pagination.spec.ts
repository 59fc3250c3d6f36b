import 'reflect-metadata';
import type { Request, Response } from 'express';
import { offsetPage, paginate, setPaginationHeaders } from './pagination';

function fakeResponse() {
  const headers: Record<string, string> = {};
  const res = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
  return { res, headers };
}
const req = (originalUrl: string) => ({ originalUrl }) as Request;

describe('pagination', () => {
  it('defaults to page 1 of 20 and clamps per_page to 100', () => {
    expect(offsetPage({})).toEqual({ page: 1, perPage: 20, limit: 20, offset: 0 });
    expect(offsetPage({ page: 3, per_page: 500 })).toEqual({ page: 3, perPage: 100, limit: 100, offset: 200 });
  });

  it('sets every GitLab header on a middle page, keeping other query parameters', () => {
    const { res, headers } = fakeResponse();
    setPaginationHeaders(req('/api/v4/projects?search=x&page=2&per_page=10'), res, offsetPage({ page: 2, per_page: 10 }), 45, 'https://reg.example.com');
    expect(headers).toMatchObject({
      'X-Total': '45',
      'X-Total-Pages': '5',
      'X-Page': '2',
      'X-Per-Page': '10',
      'X-Next-Page': '3',
      'X-Prev-Page': '1',
    });
    expect(headers.Link).toBe(
      [
        '<https://reg.example.com/api/v4/projects?search=x&page=1&per_page=10>; rel="prev"',
        '<https://reg.example.com/api/v4/projects?search=x&page=3&per_page=10>; rel="next"',
        '<https://reg.example.com/api/v4/projects?search=x&page=1&per_page=10>; rel="first"',
        '<https://reg.example.com/api/v4/projects?search=x&page=5&per_page=10>; rel="last"',
      ].join(', '),
    );
  });

  it('leaves next/prev empty at the edges and reports one page for empty lists', () => {
    const { res, headers } = fakeResponse();
    setPaginationHeaders(req('/api/v4/groups'), res, offsetPage({}), 0, 'http://h');
    expect(headers).toMatchObject({ 'X-Total': '0', 'X-Total-Pages': '1', 'X-Next-Page': '', 'X-Prev-Page': '' });
    expect(headers.Link).toBe('<http://h/api/v4/groups?page=1&per_page=20>; rel="first", <http://h/api/v4/groups?page=1&per_page=20>; rel="last"');
  });

  it('leaves out X-Total, X-Total-Pages and rel="last" for an uncounted list, taking the next page from `more`', () => {
    const middle = fakeResponse();
    setPaginationHeaders(req('/api/v4/tags?page=3'), middle.res, offsetPage({ page: 3, per_page: 10 }), null, 'http://h', true);
    expect(middle.headers).toMatchObject({ 'X-Page': '3', 'X-Per-Page': '10', 'X-Next-Page': '4', 'X-Prev-Page': '2' });
    expect(middle.headers).not.toHaveProperty('X-Total');
    expect(middle.headers).not.toHaveProperty('X-Total-Pages');
    expect(middle.headers.Link).toBe(
      '<http://h/api/v4/tags?page=2&per_page=10>; rel="prev", <http://h/api/v4/tags?page=4&per_page=10>; rel="next", <http://h/api/v4/tags?page=1&per_page=10>; rel="first"',
    );
    const end = fakeResponse();
    setPaginationHeaders(req('/api/v4/tags'), end.res, offsetPage({ page: 3, per_page: 10 }), null, 'http://h', false);
    expect(end.headers).toMatchObject({ 'X-Next-Page': '', 'X-Prev-Page': '2' });
  });

  it('pages any list through a fetch callback', async () => {
    const { res, headers } = fakeResponse();
    const items = await paginate(req('/api/v4/things'), res, { page: 2, per_page: 2 }, 'http://h', async ({ limit, offset }) => ({
      items: ['a', 'b', 'c', 'd', 'e'].slice(offset, offset + limit),
      total: 5,
    }));
    expect(items).toEqual(['c', 'd']);
    expect(headers['X-Total-Pages']).toBe('3');
  });
});
