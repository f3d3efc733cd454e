# Asks the machine's libpq how it reads connection strings, without connecting: PQconninfoParse
# through ctypes. Reads a JSON list of strings on stdin, writes a JSON list of
# {"options": {keyword: value}} or {"error": message} on stdout. Used by test/deployment/urls.test.ts.
import ctypes
import ctypes.util
import json
import sys


class Option(ctypes.Structure):
    _fields_ = [
        ("keyword", ctypes.c_char_p),
        ("envvar", ctypes.c_char_p),
        ("compiled", ctypes.c_char_p),
        ("val", ctypes.c_char_p),
        ("label", ctypes.c_char_p),
        ("dispchar", ctypes.c_char_p),
        ("dispsize", ctypes.c_int),
    ]


libpq = ctypes.CDLL(ctypes.util.find_library("pq") or "libpq.so.5")
libpq.PQconninfoParse.restype = ctypes.POINTER(Option)
libpq.PQconninfoParse.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
libpq.PQconninfoFree.argtypes = [ctypes.POINTER(Option)]
libpq.PQfreemem.argtypes = [ctypes.c_void_p]

results = []
for text in json.load(sys.stdin):
    error = ctypes.c_char_p()
    options = libpq.PQconninfoParse(text.encode(), ctypes.byref(error))
    if not options:
        results.append({"error": (error.value or b"").decode(errors="replace").strip()})
        continue
    read = {}
    i = 0
    while options[i].keyword:
        if options[i].val is not None:
            read[options[i].keyword.decode()] = options[i].val.decode(errors="replace")
        i += 1
    libpq.PQconninfoFree(options)
    results.append({"options": read})
print(json.dumps(results))
