#!/usr/bin/env python3
"""Checks that every target's declared dependencies in Package.swift equal the modules its files import
(Foundation, the C library overlays, Testing and XCTest aside). Exits 1 on a mismatch."""
import re,glob,os,subprocess,json
# Package description via swift package dump-package
d=json.loads(subprocess.check_output(['swift','package','dump-package'],stderr=subprocess.DEVNULL))
skip={'Foundation','Glibc','Darwin','Dispatch','Testing','XCTest','Musl','ArgumentParser','GRDB','FoundationEssentials'}
bad=0
for t in d['targets']:
    name=t['name']; 
    if t['type']=='system': continue
    deps=set()
    for dep in t['dependencies']:
        if 'byName' in dep: deps.add(dep['byName'][0])
        elif 'product' in dep: deps.add(dep['product'][0])
        elif 'target' in dep: deps.add(dep['target'][0])
    path=t.get('path') or ('Tests/'+name if t['type']=='test' else 'Sources/'+name)
    imps=set()
    for f in glob.glob(path+'/**/*.swift',recursive=True):
        for l in open(f):
            m=re.match(r'^(?:@testable |internal |public |@_implementationOnly )?import (\w+)',l)
            if m: imps.add(m.group(1))
    imps-=skip; deps2=deps-{'ArgumentParser','GRDB'}
    if imps!=deps2:
        bad+=1
        print(f"{name}: declared-not-imported {sorted(deps2-imps)} imported-not-declared {sorted(imps-deps2)}")
print("targets checked:",len(d['targets']),"mismatches:",bad)
raise SystemExit(1 if bad else 0)
