#!/usr/bin/env python3
"""Extracts ＩＣＴ地域イノベーション・ガイドブック Ver.2.0 (chapter 2 of the owner's source) into
content/guidebook.json. Run from the repository root: python3 content/extract_guidebook.py

The extracted text lost the slide layout (shared/spec/README.md): on each commentary page the labels
背景 / 例 / イノベーション後の姿 / 備考 come after their text. A paragraph starts on a line that begins
with a space (the slide's bullet) or with •; `plan` assigns each item's paragraphs to its sections
by meaning, read by a person. Only broken line joins are repaired; the text stays word for word.
"""
import json, os, re
from extract_common import ROOT, join, read_source
OUTPUT=os.path.join(ROOT,'content','guidebook.json')
lines=read_source()
starts=[870,909,947,989,1024,1061,1098,1132,1168,1200]
ends=starts[1:]+[1237]
LABELS={'背景','例','備考','イノベーション','後の姿','イノベーション後の姿'}
items=[]
for n,(s,e) in enumerate(zip(starts,ends),start=1):
    block=lines[s-1:e-1]
    title=block[0].strip()
    title=re.sub(r'^(１０|[１-９])．\s*','',title)
    paras=[]; cur=None
    for l in block[1:]:
        t=l.strip()
        if t in LABELS or t=='': 
            if cur is not None: paras.append(cur); cur=None
            continue
        m=re.match(r'^(備考\s*)?([•])\s*(.*)$',t)
        if l.startswith(' ') and not m:
            if cur is not None: paras.append(cur)
            cur=['-', t]
        elif m:
            if cur is not None: paras.append(cur)
            cur=['•', m.group(3)]
        else:
            if cur is None: cur=['?', t]
            else: cur.append(t)
    if cur is not None: paras.append(cur)
    items.append({'n':n,'title':title,'paras':[[p[0],join(p[1:])] for p in paras]})

src=lines
# Sections by meaning (see shared/spec/README.md: the labels were printed after their text).
plan={
 1:dict(summary=[8,9],background=[0,1],examples=[2,3,4,5],after=[6,7],notes=[10,11]),
 2:dict(summary=[0,1],background=[2,3],examples=[4,5],after=[6,7],notes=[8,9]),
 3:dict(summary=[0,1],background=[2,3],examples=[4,5,6,7],after=[8,9],notes=[10,11,12,13]),
 4:dict(summary=[0,1],background=[2,3],examples=[4,5,6,7],after=[8,9],notes=[]),
 5:dict(summary=[0],background=[1,2],examples=[3,4,5],after=[6],notes=[7]),
 6:dict(summary=[0],background=[1,2],examples=[3,4,5,6],after=[7],notes=[8,9]),
 7:dict(summary=[0],background=[1,2],examples=[3,4,5,6],after=[7],notes=[]),
 8:dict(summary=[0,1],background=[2,3,4],examples=[5,6,7],after=[8,9],notes=[]),
 9:dict(summary=[0],background=[1,2],examples=[3,4,5],after=[6],notes=[]),
 10:dict(summary=[0],background=[1,2],examples=[3,4,5],after=[6],notes=[7]),
}
# The checklist (０．チェックリスト): number, title, summary.
check=[]
i=src.index('CHK No 項目 概要')+1
cur=None
for line in src[i:866]:
    t=line.strip()
    if not t or t.isdigit() and int(t)>10: continue
    m=re.match(r'^(10|[1-9]) (.+)$',t)
    if m:
        cur={'n':int(m.group(1)),'title':m.group(2),'lines':[]}; check.append(cur)
    elif cur and not t.startswith('ＩＣＴ地域'):
        cur['lines'].append(t)
out=[]
for it in items:
    n=it['n']; p=plan[n]; paras=[t for k,t in it['paras']]
    used=sorted(sum(p.values(),[]))
    c=check[n-1]
    out.append({
      'number':n,
      'checklistTitle':c['title'],
      'checklistSummary':join(c['lines']),
      'title':it['title'],
      'summary':[paras[j] for j in p['summary']],
      'background':[paras[j] for j in p['background']],
      'examples':[paras[j] for j in p['examples']],
      'afterInnovation':[paras[j] for j in p['after']],
      'notes':[paras[j] for j in p['notes']],
    })
    unused=[j for j in range(len(paras)) if j not in used]
    # What is left out of an item is page furniture (page numbers, running heads, the next chapter's title).
    print(n, 'left out:', [paras[j][:30] for j in unused])
def at(text, start=0):
    for k in range(start, len(src)):
        if src[k].strip().startswith(text): return k
    raise SystemExit('not found: '+text)
def para(first, upto):
    """The paragraph starting with `first`, joined up to (not including) the line starting with `upto`."""
    a=at(first, 750); b=at(upto, a+1)
    return join(src[a:b])
intro={
 'purpose':[para('本ガイドブックは、過去の','ＩＣＴサービスを導入されようと'), para('ＩＣＴサービスを導入されようと','従って「本書の'), para('従って「本書の','（２） イノベーションの定義')],
 'definitionLead':src[at('本書では、イノベーションの定義を',750)].strip(),
 'definition':src[at('「付加価値を提供する事で',750)].strip(),
 'definitionTail':'とします。',
 'scenes':[para('ＩＣＴの導入計画時に','ＩＣＴ運用において'), para('ＩＣＴ運用において','住民との協創関係'), para('住民との協創関係','本ガイドブックの読み方')],
 'howToRead':[src[at('本ガイドブックは「チェックリスト」',780)].strip(), src[at('チェックリストは全部で',780)].strip(),
   para('解説書を読まなくても','詳細な内容や解説'), src[at('詳細な内容や解説',780)].strip()],
 'sectionGuide':[
   {'label':'背景','text':para('『背景』','【解説書】').replace('『背景』','').strip()},
   {'label':'イノベーション後の姿','text':src[at('『イノベーション後の姿』',800)].replace('『イノベーション後の姿』','').strip()},
   {'label':'例','text':para('『例』','０．チェックリスト').replace('『例』','').strip()},
 ],
}
json.dump({'title':'ＩＣＴ地域イノベーション・ガイドブック Ver.2.0','intro':intro,'items':out},open(OUTPUT,'w',encoding='utf-8'),ensure_ascii=False,indent=1)
