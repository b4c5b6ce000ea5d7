"""CPython's test.support.script_helper.assert_python_ok: runs a child interpreter and checks it succeeded.

The child is this interpreter (sys.executable), started with the same newbuffer host; CPython's
isolation flag -I is not passed because IronPython's console does not know it.
"""
import subprocess
import sys


def _run(args, env_vars):
    import os
    env = dict(os.environ)
    env.update(env_vars)
    command = [sys.executable] + list(args)
    if sys.executable.endswith('.dll'):
        command.insert(0, 'dotnet')
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate()
    return proc.returncode, out, err


def assert_python_ok(*args, **env_vars):
    rc, out, err = _run(args, env_vars)
    if rc != 0:
        raise AssertionError('Process return code is %d\nstdout: %r\nstderr: %r' % (rc, out, err))
    return rc, out, err


def assert_python_failure(*args, **env_vars):
    rc, out, err = _run(args, env_vars)
    if rc == 0:
        raise AssertionError('Process return code is 0\nstdout: %r\nstderr: %r' % (out, err))
    return rc, out, err
