/**
 * DynamoDB's item size rule (attribute names plus values, UTF-8), used to reject a commit with a
 * clear error before DynamoDB rejects it with a vague ValidationException.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

const utf8 = new TextEncoder();

function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8.encode(value.S).byteLength;
  // Numbers take about one byte per two significant digits plus one; 21 is the documented maximum.
  if (value.N !== undefined) return Math.min(21, Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.M !== undefined) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, item) => sum + 1 + attributeValueSize(item), 0);
  throw new Error('item-size: unsupported attribute type');
}

export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8.encode(name).byteLength + attributeValueSize(value);
  return size;
}
