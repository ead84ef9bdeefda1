/**
 * The server calls: URLs, methods, bodies and errors.
 */

import { ServerConnection } from '@jupyterlab/services';

import {
  errorMessage,
  errorStatus,
  fetchProgress,
  fetchRoadmap,
  postCheck,
  postChecklist,
  requestAPI
} from '../api/request';
import { makeResult } from './utils';

function reply(status: number, body: string): Response {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: status === 200 ? 'OK' : 'Bad Request',
    text: async () => body
  } as unknown as Response;
}

describe('requestAPI', () => {
  let makeRequest: jest.SpyInstance;

  beforeEach(() => {
    makeRequest = jest.spyOn(ServerConnection, 'makeRequest');
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('GETs the roadmap and the progress under /mlmath-lab/', async () => {
    makeRequest.mockResolvedValue(reply(200, '{"title": "T", "phases": []}'));
    expect(await fetchRoadmap()).toEqual({ title: 'T', phases: [] });
    const [url, init] = makeRequest.mock.calls[0];
    expect(url).toMatch(/\/mlmath-lab\/roadmap$/);
    expect(init).toEqual({});

    makeRequest.mockResolvedValue(
      reply(200, '{"version": 1, "exercises": {}, "checklist": {}}')
    );
    expect(await fetchProgress()).toEqual({
      version: 1,
      exercises: {},
      checklist: {}
    });
    expect(makeRequest.mock.calls[1][0]).toMatch(/\/mlmath-lab\/progress$/);
  });

  it('POSTs a check result and a checklist tick as JSON', async () => {
    makeRequest.mockResolvedValue(reply(200, '{}'));
    const result = makeResult('01-linear-algebra/softmax', 'failed');
    await postCheck(result);
    let [url, init] = makeRequest.mock.calls[0];
    expect(url).toMatch(/\/mlmath-lab\/progress\/check$/);
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body)).toEqual(result);

    await postChecklist('mml-ch2', true);
    [url, init] = makeRequest.mock.calls[1];
    expect(url).toMatch(/\/mlmath-lab\/progress\/checklist$/);
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body)).toEqual({ id: 'mml-ch2', done: true });
  });

  it("throws a ResponseError carrying the server's message", async () => {
    makeRequest.mockResolvedValue(
      reply(400, '{"message": "exercise: unknown id \'x/y\'"}')
    );
    const error = await requestAPI('progress/check', { method: 'POST' }).catch(
      e => e
    );
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    expect(errorMessage(error)).toBe("exercise: unknown id 'x/y'");
    expect(errorStatus(error)).toBe(400);
  });

  it('reports an unreachable server as a network error', async () => {
    makeRequest.mockRejectedValue(new TypeError('Failed to fetch'));
    const error = await requestAPI('roadmap').catch(e => e);
    expect(error).toBeInstanceOf(ServerConnection.NetworkError);
    expect(errorStatus(error)).toBeNull();
    expect(errorMessage(error)).toMatch(/cannot be reached/);
  });
});
