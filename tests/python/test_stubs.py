"""The type stubs in stubs/ name exactly the members the modules really have."""
import ast
import importlib
import os
import types
import unittest

STUBS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'stubs')
IGNORED = {'__doc__', '__name__', '__package__', '__loader__', '__spec__', '__file__', '__builtins__', '__path__'}


def stub_members(tree):
    """Top-level names, and for each class the names defined in its body (private type aliases such
    as `_Shape = ...` are the stub's own)."""
    names, classes = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if not t.id.startswith('_'))
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign):
                    members.add(item.target.id)
            classes[node.name] = members
    return names, classes


def own_members(cls):
    """Public names a class defines itself, plus the dunders it defines that stubs describe."""
    return {n for n in vars(cls) if not n.startswith('__') or n in STUBBED_DUNDERS} - IGNORED


STUBBED_DUNDERS = {'__init__', '__enter__', '__exit__', '__len__', '__getitem__', '__setitem__', '__delitem__',
                   '__iter__', '__eq__', '__ne__', '__hash__', '__bool__', '__buffer__', '__release_buffer__',
                   '__instancecheck__', '__subclasscheck__'}


class VersionTests(unittest.TestCase):
    def test_module_version_is_the_package_version(self):
        import re
        import newbuffer
        props = os.path.join(STUBS, '..', 'Directory.Build.props')
        with open(props) as f:
            version = re.search(r'<Version>([^<]+)</Version>', f.read()).group(1)
        self.assertEqual(newbuffer.__version__, version)
        with open(os.path.join(STUBS, '..', 'CHANGELOG.md')) as f:
            self.assertIn('## ' + version, f.read())


def stub_path(module_name):
    """stubs/a.pyi for a module, stubs/a/__init__.pyi for a package, stubs/a/b.pyi for a.b."""
    path = os.path.join(STUBS, *module_name.split('.'))
    return os.path.join(path, '__init__.pyi') if os.path.isdir(path) else path + '.pyi'


def module_members(module):
    """What a module exports: __all__ when it has one, else every name but its submodules."""
    if hasattr(module, '__all__'):
        return set(module.__all__)
    names = {n for n in dir(module) if not n.startswith('__') or n == '__version__'} - IGNORED
    return {n for n in names if not isinstance(getattr(module, n), types.ModuleType)}


class StubTests(unittest.TestCase):
    def check(self, module_name):
        with open(stub_path(module_name)) as f:
            names, classes = stub_members(ast.parse(f.read()))
        module = importlib.import_module(module_name)
        real = module_members(module)
        self.assertEqual(sorted(real - names), [], 'in %s but not in its stub' % module_name)
        # The stub may also name what exists beyond the exports (a submodule, a private helper outside __all__).
        extra = {n for n in names - real - {'_T', '_Shape', '_Format'} if not hasattr(module, n)}
        self.assertEqual(sorted(extra), [], 'in the stub but not in %s' % module_name)
        for cls_name, members in classes.items():
            cls = getattr(module, cls_name)
            if isinstance(cls, type) and cls_name not in ('BufferFlags',):
                real_members = own_members(cls) - {'__init__'}
                stubbed = members - {'__init__'}
                with self.subTest(cls=cls_name):
                    self.assertEqual(sorted(real_members - stubbed), [], '%s.%s members missing from the stub' % (module_name, cls_name))
                    self.assertEqual(sorted(stubbed - real_members - {n for n in stubbed if hasattr(cls, n)}), [],
                                     '%s.%s stub members the class lacks' % (module_name, cls_name))

    def test_newbuffer(self):
        self.check('newbuffer')

    def test_testbuffer(self):
        self.check('_testbuffer')

    def test_newbuffer_testing(self):
        self.check('newbuffer.testing')

    def test_struct(self):
        self.check('_newbuffer_struct')


if __name__ == '__main__':
    unittest.main()
