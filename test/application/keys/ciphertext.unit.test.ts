/**
 * keyledger's wrapped-DEK format, byte by byte: the header that binds key id and version, the AAD given to the
 * HSM (the header, then each caller AAD string with a 4-byte big-endian length), and what the parser refuses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ciphertextHeader, encodeCiphertext, gcmAad, parseCiphertext } from '../../../application/keys/ciphertext.ts';

const KEY_ID = '00112233-4455-6677-8899-aabbccddeeff';
const VERSION_ID = 'ffeeddcc-bbaa-9988-7766-554433221100';
const HEADER_HEX = '4b4c01' + '00112233445566778899aabbccddeeff' + 'ffeeddccbbaa99887766554433221100';

void describe('ciphertext format', () => {
  test('the header is "KL", format 1, the key id and the version id', () => {
    assert.equal(ciphertextHeader(KEY_ID, VERSION_ID).toString('hex'), HEADER_HEX);
    assert.throws(() => ciphertextHeader('not-a-uuid', VERSION_ID));
  });

  test('the AAD is the header, then every item length-prefixed', () => {
    const header = ciphertextHeader(KEY_ID, VERSION_ID);
    const hex = (aad: string[]) => gcmAad(header, aad).toString('hex').slice(HEADER_HEX.length);
    assert.equal(gcmAad(header, []).toString('hex'), HEADER_HEX);
    assert.equal(hex([]), '');
    assert.equal(hex(['']), '00000000');
    assert.equal(hex(['ab']), '00000002' + '6162');
    assert.equal(hex(['a', 'b']), '00000001' + '61' + '00000001' + '62');
    assert.equal(hex(['é']), '00000002' + 'c3a9'); // UTF-8 bytes are counted, not characters
  });

  test('parses what it encodes', () => {
    const header = ciphertextHeader(KEY_ID, VERSION_ID);
    const iv = Buffer.alloc(12, 1);
    const sealed = Buffer.alloc(17, 2); // at least one byte of ciphertext and the 16-byte tag
    const parsed = parseCiphertext(encodeCiphertext(header, iv, sealed));
    assert.ok(parsed);
    assert.equal(parsed.keyId, KEY_ID);
    assert.equal(parsed.versionId, VERSION_ID);
    assert.equal(parsed.header.toString('hex'), HEADER_HEX);
    assert.deepEqual(parsed.iv, iv);
    assert.deepEqual(parsed.sealed, sealed);
  });

  test('refuses what is not one of its ciphertexts', () => {
    const header = ciphertextHeader(KEY_ID, VERSION_ID);
    const iv = Buffer.alloc(12, 1);
    const valid = Buffer.concat([header, iv, Buffer.alloc(17, 2)]);
    const otherFormat = Buffer.from(valid);
    otherFormat[2] = 2;
    const otherMagic = Buffer.from(valid);
    otherMagic[0] = 0x4a;
    for (const text of [
      '',
      'not base64!',
      valid.subarray(0, valid.length - 1).toString('base64'), // no ciphertext byte left after the tag
      otherFormat.toString('base64'),
      otherMagic.toString('base64'),
    ])
      assert.equal(parseCiphertext(text), null, JSON.stringify(text.slice(0, 12)));
  });
});
