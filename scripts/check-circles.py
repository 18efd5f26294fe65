#!/usr/bin/env python3
"""No file-level import circles: for each Rust source tree given (default: src and
proxy/src), every file's `crate::`/`super::` paths (grouped `use` lists included; test
modules and comments left out) are resolved to the file that defines the module, and any
group of files that use each other, directly or round a loop, is printed. Exit 1 if any.
A path to an item a module re-exports from a child (`pub use app::App;` in a mod.rs)
counts as a use of the child's file; a module's plain paths to its own children (the
`pub use` itself) are not followed: a child reaching back does so through `super::`,
which is.

Usage: scripts/check-circles.py [DIR...]
"""
import os,re,sys


def check(root):
    files={}
    for d,_,fs in os.walk(root):
        for f in fs:
            if f.endswith('.rs'):
                p=os.path.join(d,f)
                rel=os.path.relpath(p,root)[:-3]
                parts=rel.split('/')
                if parts[-1] in ('mod','lib','main'): parts=parts[:-1]
                files['::'.join(parts)]=p
    # Items a module re-exports from its children (`pub use app::App;` in a mod.rs), so
    # that a path to the re-export counts as a use of the child's file.
    reexports={}
    for mod,p in files.items():
        text=open(p).read()
        for m in re.finditer(r'^pub(?:\(crate\))? use (?:self::)?(\w+)::(\{[^}]*\}|\w+);',text,re.M):
            child=(mod+'::' if mod else '')+m.group(1)
            if child not in files: continue
            for item in re.split(r'[{},\s]+',m.group(2)):
                item=item.split(' as ')[-1].strip()
                if item: reexports.setdefault(mod,{})[item]=child
    def resolve(path):
        # longest prefix that is a module file, then through its re-exports
        segs=path.split('::')
        for i in range(len(segs),0,-1):
            k='::'.join(segs[:i])
            if k in files:
                if i<len(segs) and segs[i] in reexports.get(k,{}):
                    return reexports[k][segs[i]]
                return k
        return None
    edges={k:set() for k in files}
    for mod,p in files.items():
        text=open(p).read()
        # strip test modules
        text=re.split(r'#\[cfg\(test\)\]\s*mod tests',text)[0]
        text=re.sub(r'//[^\n]*','',text)
        modsegs=mod.split('::') if mod else []
        isdir=os.path.basename(p) in ('mod.rs','lib.rs','main.rs')
        parent=modsegs if isdir else modsegs[:-1]
        for m in re.finditer(r'\b(crate|super)((?:::\w+)+)',text):
            kind,rest=m.group(1),m.group(2)[2:]
            if kind=='crate': full=rest
            else:
                base=parent[:]
                r=rest.split('::')
                while r and r[0]=='super': base=base[:-1]; r=r[1:]
                full='::'.join(base+r)
            # handle grouped use: use crate::a::{b, c::d}
            tgt=resolve(full)
            if tgt is not None and tgt!=mod: edges[mod].add(tgt)
        for m in re.finditer(r'use (crate|super)((?:::\w+)*)::\{([^;]*)\};',text,re.S):
            kind,pre,inner=m.group(1),m.group(2),m.group(3)
            pre=pre[2:] if pre else ''
            if kind=='crate': base=pre.split('::') if pre else []
            else:
                base=parent[:]+(pre.split('::') if pre else [])
            for item in re.split(r',',re.sub(r'\{[^}]*\}','',inner)):
                item=item.strip().split(' as ')[0]
                if not item: continue
                tgt=resolve('::'.join(base+item.split('::')))
                if tgt is not None and tgt!=mod: edges[mod].add(tgt)
    # ignore edges to ancestors' mod files that only declare (parent mod re-exports)
    # find cycles via SCC
    idx={};low={};st=[];on=set();out=[];c=[0]
    sys.setrecursionlimit(10000)
    def sc(v):
        idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
        for w in edges[v]:
            if w not in idx: sc(w);low[v]=min(low[v],low[w])
            elif w in on: low[v]=min(low[v],idx[w])
        if low[v]==idx[v]:
            comp=[]
            while True:
                w=st.pop();on.discard(w);comp.append(w)
                if w==v:break
            if len(comp)>1: out.append(comp)
    for v in edges:
        if v not in idx: sc(v)
    for comp in out:
        print(f'{root}: these files use each other: ' + ', '.join(sorted(comp)))
    print(f'{root}: {len(files)} modules, {len(out)} circles')
    return len(out)


if __name__ == "__main__":
    roots = sys.argv[1:] or ["src", "proxy/src"]
    sys.exit(1 if sum(check(r) for r in roots) else 0)
