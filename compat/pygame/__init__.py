"""A stand-in `pygame` package holding only `pygame.newbuffer`, so code written against pygame's
test helpers runs unchanged on IronPython. Put the `compat` folder on sys.path (never alongside a
real pygame)."""
