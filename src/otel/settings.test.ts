import { describe, expect, it } from 'vitest';
import { otlpSettings, parseHeaders } from './settings.js';

describe('otlpSettings', () => {
  it('appends /v1/traces to a base endpoint, as the OpenTelemetry SDKs do', () => {
    expect(otlpSettings('http://localhost:4318', {})?.url).toBe('http://localhost:4318/v1/traces');
    expect(otlpSettings('https://otel.example/api/otel/', {})?.url).toBe(
      'https://otel.example/api/otel/v1/traces',
    );
    expect(otlpSettings('http://h:4318/v1/traces', {})?.url).toBe('http://h:4318/v1/traces');
  });

  it('takes the flag over the environment, the traces endpoint as is', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
    };
    expect(otlpSettings('http://flag:4318', env)?.url).toBe('http://flag:4318/v1/traces');
    expect(otlpSettings(undefined, env)?.url).toBe('http://traces:4318/custom');
    expect(otlpSettings(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318' })?.url).toBe(
      'http://base:4318/v1/traces',
    );
    expect(otlpSettings(undefined, {})).toBeUndefined();
  });

  it('refuses what is not an OTLP/HTTP URL, naming where it came from', () => {
    expect(() => otlpSettings(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost' })).toThrow(
      'OTEL_EXPORTER_OTLP_ENDPOINT: not a URL',
    );
  });
});

describe('parseHeaders', () => {
  it('reads key=value pairs with URL-encoded values', () => {
    expect(parseHeaders('Authorization=Bearer%20abc, x-scope = a=b ,')).toEqual({
      authorization: 'Bearer abc',
      'x-scope': 'a=b',
    });
  });

  it('names a malformed entry by position, never by its text (it may be a secret)', () => {
    expect(() => parseHeaders('a=1,Bearer sk-123')).toThrow(
      'OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value',
    );
  });
});
