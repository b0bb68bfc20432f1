/**
 * @module The arbitrary-precision decimal used for numbers a double cannot hold (decimal.js, configured
 * once). Value layer; the only file that configures decimal.js.
 */
import { Decimal as DecimalJs } from 'decimal.js';

/**
 * decimal.js configured for Rego: constructing from text is always exact; arithmetic keeps 100 significant
 * digits (OPA's big.Float work is at least that precise for the operations the language offers), and text
 * output switches to exponent form only for very large or small magnitudes.
 */
export const Decimal = DecimalJs.clone({
  precision: 100,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -30,
  toExpPos: 60,
});
export type Decimal = DecimalJs;
