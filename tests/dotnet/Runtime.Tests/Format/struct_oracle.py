"""CPython's struct module as an oracle for the format fuzzer (tests/dotnet/Runtime.Tests/Support/FormatFuzzer.cs).

Oracle mode (what the fuzzer runs): reads one format per line, hex-encoded bytes (so NUL and
non-ASCII bytes survive), and answers one line per format: "SIZE COUNT" (struct.calcsize and the
number of values unpack yields; COUNT is -1 above 4096 bytes) or "error MESSAGE".

Table mode writes the committed table cpython_random_formats.txt that the suite checks without CPython:
    PYENV_VERSION=3.13.0 python3 struct_oracle.py --table 20261122 3000 > cpython_random_formats.txt
Run it with the CPython the parser mirrors (3.13) on x86-64 Linux, where native long and pointers are 8 bytes.
"""
import random
import struct
import sys

CODES = 'xcbB?hHiIlLqQnNefdspP'
ODD = 'yZ$T{}():&-+.w'
PREFIXES = '@=<>!'


def answer(fmt):
    try:
        s = struct.Struct(fmt)
    except (struct.error, ValueError, OverflowError) as e:
        return 'error ' + str(e)
    count = len(s.unpack(bytes(s.size))) if s.size <= 4096 else -1
    return '%d %d' % (s.size, count)


def random_format(rng):
    """A format string as bytes: mostly valid items, with prefixes, counts, spaces and mistakes mixed in."""
    out = []
    if rng.random() < 0.4:
        out.append(rng.choice(PREFIXES))
    for _ in range(0 if rng.random() < 0.05 else rng.randint(1, 6)):
        r = rng.random()
        if r < 0.1:
            out.append(rng.choice(' \t\n'))
        if rng.random() < 0.4:
            out.append(random_count(rng))
        r = rng.random()
        if r < 0.95:
            out.append(rng.choice(CODES))
        elif r < 0.98:
            out.append(rng.choice(ODD + PREFIXES))
        elif r < 0.99:
            out.append(chr(rng.choice([0xe9, 0xff, 0x80])))
        else:
            out.append('\0')
    if rng.random() < 0.05:
        out.append(random_count(rng))
    return ''.join(out).encode('latin-1')


def random_count(rng):
    r = rng.random()
    if r < 0.7:
        return str(rng.randint(0, 20))
    if r < 0.8:
        return '0' * rng.randint(1, 3) + str(rng.randint(0, 9))
    return str(rng.randint(10 ** 9, 10 ** rng.randint(10, 21)))


def main():
    if sys.argv[1:2] == ['--table']:
        rng = random.Random(int(sys.argv[2]))
        for _ in range(int(sys.argv[3])):
            fmt = random_format(rng)
            print('%s\t%s' % (fmt.hex(), answer(fmt)))
        return
    for line in sys.stdin:
        print(answer(bytes.fromhex(line.strip())), flush=False)
    sys.stdout.flush()


if __name__ == '__main__':
    main()
