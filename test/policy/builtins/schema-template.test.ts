/**
 * @module json.verify_schema / json.match_schema (gojsonschema's messages) and strings.render_template (Go
 * text/template).
 */
import { test } from 'node:test';
import { numberFromLiteral } from '../../../policy/value/index.js';
import { runTable } from './harness.js';

const schema = {
  properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' }, maxItems: 2 } },
  required: ['id'],
};

test('json schema', () => {
  runTable('json.verify_schema', [
    { note: 'valid object schema', args: [{ type: 'boolean' }], want: [true, null] },
    { note: 'valid string schema', args: ['{"type": "boolean"}'], want: [true, null] },
    {
      note: 'bad type name',
      args: [{ type: 'unknown_type' }],
      want: [
        false,
        'jsonschema: has a primitive type that is NOT VALID -- given: /unknown_type/ Expected valid values are:[array boolean integer number null object string]',
      ],
    },
    {
      note: 'remote refs refused',
      args: [{ $ref: 'https://example.com/s.json' }],
      want: [false, 'jsonschema: remote reference "https://example.com/s.json" is not allowed'],
    },
  ]);
  runTable('json.match_schema', [
    { note: 'match', args: [{ id: 5 }, schema], want: [true, []] },
    { note: 'string document', args: ['{"id": 5}', schema], want: [true, []] },
    {
      note: 'wrong type',
      args: [{ id: 'foo' }, schema],
      want: [
        false,
        [
          {
            desc: 'Invalid type. Expected: integer, given: string',
            error: 'id: Invalid type. Expected: integer, given: string',
            field: 'id',
            type: 'invalid_type',
          },
        ],
      ],
    },
    {
      note: 'required and nested array',
      args: [{ tags: ['a', 1, 'c'] }, schema],
      want: [
        false,
        [
          { desc: 'id is required', error: '(root): id is required', field: '(root)', type: 'required' },
          {
            desc: 'Invalid type. Expected: string, given: integer',
            error: 'tags.1: Invalid type. Expected: string, given: integer',
            field: 'tags.1',
            type: 'invalid_type',
          },
          {
            desc: 'Array must have at most 2 items',
            error: 'tags: Array must have at most 2 items',
            field: 'tags',
            type: 'array_max_items',
          },
        ],
      ],
    },
    { note: 'RE2 pattern', args: ['"abc"', { pattern: '^a\\w+$' }], want: [true, []] },
    {
      note: 'invalid schema',
      args: [{}, { type: 'unknown' }],
      error: { code: 'eval_builtin_error', message: 'has a primitive type that is NOT VALID' },
    },
    {
      note: 'bad document string',
      args: ['{', {}],
      error: { code: 'eval_builtin_error', message: 'invalid JSON string' },
    },
  ]);
});

test('strings.render_template', () => {
  runTable('strings.render_template', [
    { note: 'field', args: ['{{.test}}', { test: 'hello world' }], want: 'hello world' },
    { note: 'number as Go float64', args: ['{{.n}} {{.f}}', { n: 2023, f: 1.5 }], want: '2023 1.5' },
    {
      note: 'range with index',
      args: [
        '{{range $i, $name := .names}}{{if $i}},{{end}}hello {{$name}}{{end}}',
        { names: ['rohan', 'john doe'] },
      ],
      want: 'hello rohan,hello john doe',
    },
    { note: 'missing keys', args: ['test {{.foo}} {{.baz}}', { baz: 1 }], want: 'test <undefined> 1' },
    { note: 'else if chain', args: ['{{if .a}}A{{else if .b}}B{{else}}C{{end}}', { b: true }], want: 'B' },
    {
      note: 'functions and pipes',
      args: ['{{len .xs}} {{.n | printf "%d"}} {{index .m "k"}}', { xs: [1, 2], n: 5, m: { k: 'K' } }],
      want: '2 5 K',
    },
    { note: 'trim markers', args: ['a  {{- " b " -}}  c', {}], want: 'a b c' },
    {
      note: 'unclosed',
      args: ['{{if .a}}x', {}],
      error: { code: 'eval_builtin_error', message: 'template: unexpected EOF' },
    },
  ]);
});

test('providers.aws.sign_req (SigV4, the AWS documentation example values)', () => {
  const config = {
    aws_access_key: 'MYAWSACCESSKEYGOESHERE',
    aws_secret_access_key: 'MYAWSSECRETACCESSKEYGOESHERE',
    aws_service: 's3',
    aws_region: 'us-east-1',
  };
  const ts = numberFromLiteral('1451311705000000000');
  runTable('providers.aws.sign_req', [
    {
      note: 's3 GET without body',
      args: [{ method: 'get', url: 'http://example.com' }, config, ts],
      want: {
        method: 'get',
        url: 'http://example.com',
        headers: {
          Authorization:
            'AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3',
          host: 'example.com',
          'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          'x-amz-date': '20151228T140825Z',
        },
      },
    },
    {
      note: 'missing config keys',
      args: [{ method: 'get', url: 'http://example.com' }, {}, ts],
      error: {
        code: 'eval_type_error',
        message:
          'operand 2 missing required AWS config parameters(s): {"aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"}',
      },
    },
    {
      note: 'missing request keys',
      args: [{}, config, ts],
      error: {
        code: 'eval_type_error',
        message: 'operand 1 missing required request parameters(s): {"method", "url"}',
      },
    },
    {
      note: 'payload signing flag must be boolean',
      args: [
        { method: 'get', url: 'http://example.com' },
        { ...config, disable_payload_signing: 'false' },
        ts,
      ],
      error: {
        code: 'eval_type_error',
        message: "operand 2 invalid value for 'disable_payload_signing' in AWS config",
      },
    },
  ]);
});
