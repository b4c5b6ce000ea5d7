"""A numeric .NET array read and written from Python without copying: a 2-D double[,] that C# code
could have handed over, viewed with newbuffer.memoryview, summed by rows, scaled in place."""
from System import Array, Double
import newbuffer

grid = Array.CreateInstance(Double, 3, 4)
for i in range(3):
    for j in range(4):
        grid[i, j] = i + j / 10.0

m = newbuffer.memoryview(grid)
print('format %r, shape %s, strides %s' % (m.format, m.shape, m.strides))
print('row sums:', ', '.join('%.1f' % sum(row) for row in m.tolist()))

for i in range(3):
    m[i, 0] = m[i, 0] * 100        # writes land in the .NET array
assert grid[2, 0] == 200.0
print('first column after scaling:', [grid[i, 0] for i in range(3)])
print('as bytes through IronPython\'s own bytes():', len(bytes(m)), 'bytes')
m.release()
