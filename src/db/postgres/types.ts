import pg from 'pg';

const int8Oid = 20;
const numericOid = 1700;

/**
 * node-postgres hands `bigint` and `numeric` (what `SUM(bigint)` answers) back as strings, because
 * they may not fit a JavaScript number. Money (micro-USD) and times (epoch ms) stay far below 2^53,
 * so they come back as numbers; a value that does not fit comes back as an exact BigInt, which fails
 * loudly in arithmetic with numbers instead of being silently rounded.
 */
function integerOrBigInt(text: string): number | bigint {
  const value = Number(text);
  if (Number.isSafeInteger(value)) return value;
  if (/^-?\d+$/.test(text)) return BigInt(text);
  return value;
}

export const postgresTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if ((oid === int8Oid || oid === numericOid) && format !== 'binary') return integerOrBigInt;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};
