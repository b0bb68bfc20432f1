// @module Re-exports of the JSON parser and dumper for the rest of the runtime. Runtime layer.
export { opa_json_parse, opa_value_parse, parse_text } from './json-parse';
export { dump, dump_len_of, opa_json_dump, opa_value_dump } from './json-dump';
