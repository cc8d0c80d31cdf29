import json, random, base64
random.seed(20)
schema = [
 {"name":"id","type":"int64","nullable":False},
 {"name":"i8","type":"int8","nullable":True},
 {"name":"u16","type":"uint16","nullable":True},
 {"name":"i32","type":"int32","nullable":True},
 {"name":"u64","type":"uint64","nullable":True},
 {"name":"f32","type":"float32","nullable":True},
 {"name":"f64","type":"float64","nullable":True},
 {"name":"d","type":"date32","nullable":True},
 {"name":"ts","type":"timestamp[us]","nullable":True},
 {"name":"b","type":"bool","nullable":True},
 {"name":"s","type":"utf8","nullable":True},
 {"name":"bin","type":"binary","nullable":True},
 {"name":"vec","type":"fixed_size_list<float32>[3]","nullable":True},
 {"name":"vec_item","type":"fixed_size_list<float32>[2]","nullable":True},
 {"name":"none","type":"int32","nullable":True},
]
edges = {"i8":[-128,127,0],"u16":[0,65535],"i32":[-2**31,2**31-1,0],"u64":["0",str(2**64-1)],
         "f32":["-0","0.5","-1.25","3e+38"], "f64":["1e-300","-2.5","123456.789","-0"],
         "d":[-719162, 0, 2932896], "ts":["-62135596800000000","0","253402300799999999"]}
def pick(col, gen):
    r = random.random()
    if r < 0.2: return None
    if r < 0.45 and col in edges: return random.choice(edges[col])
    return gen()
strings = ["", "a", "héllo wörld", "ü€𝄞", "x"*300, "line\nbreak"]
frags=[]
n=0
for size in (16, 8):
  rows=[]
  for i in range(size):
    row={"id":str(n*1000003-7)}
    n+=1
    row["i8"]=pick("i8",lambda: random.randint(-128,127))
    row["u16"]=pick("u16",lambda: random.randint(0,65535))
    row["i32"]=pick("i32",lambda: random.randint(-2**31,2**31-1))
    row["u64"]=pick("u64",lambda: str(random.randint(0,2**64-1)))
    row["f32"]=pick("f32",lambda: str(random.randint(-4000,4000)/16))
    row["f64"]=pick("f64",lambda: repr(random.uniform(-1e9,1e9)))
    row["d"]=pick("d",lambda: random.randint(-30000,30000))
    row["ts"]=pick("ts",lambda: str(random.randint(-10**16,10**16)))
    row["b"]=pick("b",lambda: random.random()<0.5)
    row["s"]=pick("s",lambda: random.choice(strings) if random.random()<0.5 else "row-%d" % n)
    if n in (4, 20): row["s"]="x"*300 if n == 4 else ""
    row["bin"]=pick("bin",lambda: base64.b64encode(bytes(random.randrange(256) for _ in range(random.randint(0,9)))).decode())
    row["vec"]=pick("vec",lambda: [str(random.randint(-64,64)/8) for _ in range(3)])
    row["vec_item"]=pick("vec_item",lambda: [None if random.random()<0.3 else str(random.randint(-64,64)/4) for _ in range(2)])
    rows.append({k:v for k,v in row.items() if v is not None})
  frags.append(rows)
with open("types20.json","w") as f:
  f.write('{"storageVersion":"2.0",\n"schema":[\n' + ",\n".join(json.dumps(c) for c in schema) + '],\n"fragments":[\n')
  f.write(",\n".join("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",",":")) for r in fr) + "]" for fr in frags))
  f.write("]}\n")
# dictionary: 100 rows of few distinct strings, and an all-null utf8 column
rows=[]
for i in range(100):
  r={"k":i}
  c=random.choice(["red","green","","blue",None])
  if c is not None: r["cat"]=c
  rows.append(r)
schema2=[{"name":"k","type":"int32","nullable":False},{"name":"cat","type":"utf8","nullable":True},{"name":"none","type":"utf8","nullable":True}]
with open("dict20.json","w") as f:
  f.write('{"storageVersion":"2.0",\n"schema":[\n' + ",\n".join(json.dumps(c) for c in schema2) + '],\n"fragments":[[\n')
  f.write(",\n".join(json.dumps(r, separators=(",",":")) for r in rows))
  f.write("]]}\n")
