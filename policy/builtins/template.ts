/**
 * @module `strings.render_template`: Go text/template over the variables object (values as OPA passes them
 * to Go: numbers as float64); a missing key renders as `<undefined>`.
 */
import { toJS, type Value } from '../value/index.js';
import { renderGoTemplate } from './go-template.js';
import type { ImplTable } from './impl-types.js';
import { object, str } from './operands.js';

export const templateBuiltins: ImplTable = {
  'strings.render_template': (args: readonly Value[]) => {
    const tpl = str(args, 0);
    const vars = toJS(object(args, 1)) as Record<string, unknown>;
    return renderGoTemplate(tpl, vars);
  },
};
