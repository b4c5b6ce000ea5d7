"""Prints the CPython reference tables pasted into the Format tests as C# literals.

Run once per table with the CPython the expectations mirror (3.13.0, x86-64 Linux):
    PYENV_VERSION=3.13.0 python3 tests/dotnet/Runtime.Tests/Format/generate_cpython_cases.py TABLE
TABLE is one of: calcsize, bad, codec, errors, structs, floats, halfbits,
packcounts, unpacksizes.
"""
import json
import math
import struct
import sys

CALCSIZE = [
    '', '@', '=', '<', '>', '!',
    'x', 'c', 'b', 'B', '?', 'h', 'H', 'i', 'I', 'l', 'L', 'q', 'Q', 'n', 'N', 'e', 'f', 'd', 's', 'p', 'P',
    '@x', '@c', '@b', '@B', '@?', '@h', '@H', '@i', '@I', '@l', '@L', '@q', '@Q', '@n', '@N', '@e', '@f', '@d',
    '@s', '@p', '@P',
    '<x', '<c', '<b', '<B', '<?', '<h', '<H', '<i', '<I', '<l', '<L', '<q', '<Q', '<e', '<f', '<d', '<s', '<p',
    '=l', '=L', '=q', '=e', '=?', '>h', '>l', '>Q', '>d', '!i', '!L', '!f',
    'bi', 'ib', 'bh', 'bl', 'bq', 'be', 'bf', 'bd', 'b?', 'bP', 'bn', 'cN', 'hq', 'hi', 'ih', 'iq', 'llh',
    'bbbbi', 'bbbbbi', '@bi', '=bi', '<bi', '>bi', '!bi', '<hq', '>ci', '=bd',
    'b0i', '@b0q', '0i', 'i0b', 'ci0q', 'b0s', 'b0p', 'bxi', '3sI', '5p2h', 's4d', 'b3h', '3hq', '3bP',
    '10i', '0s', '0p', '0x', '3x', '00i', '007i', '255p', '256p', '1000000s', '2s3s', '10c', '<10e', '4?',
    ' i', 'i ', 'i i', '\ti\n', '< i  h', '2i 3h', '\x0bi\x0c', '\ri', '@ b i', 'b\ti',
    '9223372036854775807x', '9223372036854775807s', '9223372036854775807c', '4611686018427387903h',
    '1152921504606846975q', 'b1152921504606846974q', '9223372036854775806xb', '<2305843009213693951i',
    '9223372036854775807x0b', '<9223372036854775807x0q',
]

BAD = [
    'y', '$', 'iy', 'Z', 'F', 'D', 'g', 'O', 'u', 'w', 'T{i}', '(2)i', ':x:', '&', '^i', '-1i', '+1i', '1.5i',
    '2', 'i2', '< 2', '@3',
    '<>', ' <i', 'i<', '@@', '<@i', 'i!', '2 i', '2<', '<n', '<N', '<P', '=n', '=N', '=P', '>P', '!N', '>n',
    'i\0', '\0', '\0i', '2\0',
    '99999999999999999999i', '99999999999999999999', '9223372036854775808x', '9223372036854775807xb',
    '4611686018427387904h', '2305843009213693952i', 'b9223372036854775807s', 'b1152921504606846975q',
    '9223372036854775807x9223372036854775807x', '1152921504606846976d', '9223372036854775807xq',
    '9223372036854775807x0q', '9223372036854775807x$', '9223372036854775807x9x$',
]


def cs(v, unsigned=False):
    """A C# expression for a Python value; unsigned integers become ulong."""
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        if -2**63 <= v < 2**63 and not unsigned:
            return f'{v}L'
        if 0 <= v < 2**64:
            return f'{v}UL'
        for base in (2, 10):
            k = round(math.log(abs(v), base))
            if base**k == abs(v):
                return ('-' if v < 0 else '') + f'BigInteger.Pow({base}, {k})'
        return f'Big("{v}")'
    if isinstance(v, float):
        if math.isnan(v):
            return 'BitConverter.Int64BitsToDouble(0x%016X)' % struct.unpack('<Q', struct.pack('<d', v))[0]
        if math.isinf(v):
            return 'double.PositiveInfinity' if v > 0 else 'double.NegativeInfinity'
        return repr(v)
    if isinstance(v, bytes):
        return f'Bytes("{v.hex()}")'
    if isinstance(v, str):
        return json.dumps(v)
    if v is None:
        return 'null'
    raise TypeError(v)


def value_codes(fmt):
    """The format character behind each value the format yields."""
    codes, count = [], ''
    for c in fmt.lstrip('@=<>!'):
        if c.isdigit():
            count += c
        elif not c.isspace():
            n = int(count or 1)
            codes += [c] if c in 'sp' else [] if c == 'x' else [c] * n
            count = ''
    return codes


def calcsize():
    for f in CALCSIZE:
        print(f'    [TestCase({json.dumps(f)}, {struct.calcsize(f)}L)]')


def bad():
    for f in BAD:
        try:
            struct.calcsize(f)
            raise AssertionError(f)
        except struct.error as e:
            print(f'    [TestCase({json.dumps(f)}, {json.dumps(str(e))})]')


def codec():
    for p in ['', '@', '=', '<', '>', '!']:
        for c in 'bBhHiIlLqQnNP':
            try:
                size = struct.calcsize(p + c)
            except struct.error:
                continue
            bits = size * 8
            pattern = int.from_bytes(bytes(range(1, size + 1)), 'big')
            signed = c in 'bhilqn'
            for v in [-2**(bits-1), 2**(bits-1)-1, -pattern] if signed else [2**bits-1, pattern]:
                codec_row(p + c, v)
        for c, values in [('?', [True, False]), ('c', [b'\xff']),
                          ('e', [-0.0, 2.0**-24, 0.1, float('-inf'), float('nan')]),
                          ('f', [3.4028234663852886e+38, 1e-45, 0.1, float('nan')]),
                          ('d', [-2.25, 5e-324, float('nan')]),
                          ('3s', [b'ab', b'abcd']), ('0s', [b'abc']),
                          ('4p', [b'ab', b'abcd']), ('p', [b'abc']), ('0p', [b'abc'])]:
            for v in values:
                codec_row(p + c, v)


def codec_row(fmt, v):
    unsigned = fmt[-1] in 'BHILQNP'
    b = struct.pack(fmt, v)
    (u,) = struct.unpack(fmt, b)
    print(f'        new TestCaseData("{fmt}", {cs(v, unsigned)}, "{b.hex()}", {cs(u, unsigned)}),')


ERRORS_EXTRA = [
    ('@e', 1e300), ('<e', -65520.0), ('>e', 65520), ('=e', 10**400), ('@e', 'x'), ('@e', None),
    ('<f', 1e300), ('>f', 2**200), ('=f', -3.4028235677973366e+38), ('<f', 10**400), ('@f', 10**400),
    ('@f', b'a'), ('@d', 10**400), ('<d', 'x'), ('>d', None), ('<d', 2**1024 - 2**970),
    ('@c', b''), ('<c', b'ab'), ('@c', 65), ('@c', 'A'), ('@s', 'x'), ('<3s', 1), ('@p', 'x'), ('>5p', None),
]


def errors():
    kinds = {'error': 'Struct', 'OverflowError': 'Overflow', 'TypeError': 'Type', 'ValueError': 'Value'}
    cases = []
    for p in ['@', '<', '>', '=']:
        for c in 'bBhHiIlLqQnNP':
            try:
                size = struct.calcsize(p + c)
            except struct.error:
                continue
            bits = size * 8
            lo, hi = (-2**(bits-1), 2**(bits-1)-1) if c in 'bhilqn' else (0, 2**bits-1)
            if c == 'P':
                lo = -2**(bits-1)
            cases += [(p + c, v) for v in [lo - 1, hi + 1] + ([2**100, 1.5, 'x', None] if p == '@' else [])]
    for fmt, v in cases + ERRORS_EXTRA:
        try:
            struct.pack(fmt, v)
            raise AssertionError((fmt, v))
        except Exception as e:
            expr = cs(v, isinstance(v, int) and v >= 2**63)
            print(f'        new TestCaseData("{fmt}", {expr}, BufferErrorKind.{kinds[type(e).__name__]}, {json.dumps(str(e))}),')


STRUCTS = [
    ('bi', (-1, 2)), ('ib', (-1, 2)), ('@c?P', (b'x', True, 2**64 - 2)), ('<hxq', (-2, 3)),
    ('>2s3i', (b'ab', 1, -1, 2)), ('=bd', (5, 0.5)), ('@3sQ', (b'abc', 7)), ('xx2hx', (1, 2)),
    ('0s i', (b'', 9)), ('<5p?', (b'hi', False)), ('@ b 0i h', (1, 2)), ('!HeI', (513, -2.5, 16909060)),
    ('', ()), ('4x', ()), ('b0q', (3,)),
]


def structs():
    for fmt, values in STRUCTS:
        b = struct.pack(fmt, *values)
        out = struct.unpack(fmt, b)
        items = ', '.join(cs(v, c in 'BHILQNP') for v, c in zip(out, value_codes(fmt)))
        array = f'new object?[] {{ {items} }}' if items else 'Array.Empty<object?>()'
        print(f'        new TestCaseData("{fmt}", "{b.hex()}", {array}),')


FLOATS = [
    ('<d', 2**53 + 1), ('<d', 2**80 + 2**27 + 1), ('<d', 2**80 + 2**27), ('<d', 2**80 + 3 * 2**27),
    ('<d', -(2**80 + 2**27 + 1)), ('<d', 2**1024 - 2**970 - 1), ('<f', 2**80 + 2**27 + 1), ('<f', 2**64 - 1),
    ('<e', 65519.99), ('<e', 2.0**-25), ('<e', 2.0**-25 * 1.0000001), ('<e', 1 + 2.0**-11), ('<e', 1 + 3 * 2.0**-11),
    ('<e', 65504), ('@f', 1e300), ('@f', -2**200), ('<f', 1.5),
]


def floats():
    for fmt, v in FLOATS:
        print(f'        new TestCaseData("{fmt}", {cs(v)}, "{struct.pack(fmt, v).hex()}"),')


def halfbits():
    for h in ['017e', '01fe', '00fc', '0100', '0080']:
        (v,) = struct.unpack('<e', bytes.fromhex(h))
        print(f'    [TestCase("{h}", 0x{struct.unpack("<Q", struct.pack("<d", v))[0]:016X}UL)]')


def packcounts():
    for fmt, n in [('2i', 1), ('i', 2), ('0i', 1), ('x', 1), ('2s2p', 1), ('', 1)]:
        try:
            struct.pack(fmt, *([0] * n))
        except struct.error as e:
            print(f'    [TestCase("{fmt}", {n}, {json.dumps(str(e))})]')


def unpacksizes():
    for fmt, n in [('i', 3), ('2i', 0), ('', 1), ('0s', 2), ('bi', 5)]:
        try:
            struct.unpack(fmt, bytes(n))
        except struct.error as e:
            print(f'    [TestCase("{fmt}", {n}, {json.dumps(str(e))})]')


if __name__ == '__main__':
    {'calcsize': calcsize, 'bad': bad, 'codec': codec, 'errors': errors, 'structs': structs,
     'floats': floats, 'halfbits': halfbits, 'packcounts': packcounts, 'unpacksizes': unpacksizes}[sys.argv[1]]()
