#!/usr/bin/env python3
"""Extracts the guidebook's 「マイナンバー利活用シーン 実務読み替え版」 (chapter 3 of the owner's source)
into content/guidebook-mynumber.json. Run from the repository root: python3 content/extract_mynumber.py

Each commentary page printed its section labels apart from their text; `plan` assigns every paragraph
to its section by meaning (read by a person). Only broken line joins are repaired.
"""
import json, os, re
from extract_common import ROOT, join, read_source
OUTPUT=os.path.join(ROOT,'content','guidebook-mynumber.json')
lines=read_source()


def find(text, start=0):
    for k in range(start, len(lines)):
        if lines[k].strip().startswith(text): return k
    raise SystemExit('not found: '+text)

LABELS={'背景','例','検討テーマ','における','イノベーション','後の姿','ＩＣＴ地域イノベーション・ガイドブックVer.2.0',
        'マイナンバー利活用シーン','実務読み替え版','検討内容で','該当した','背景・課題','実施すべき','アクションの',
        'ガイドブックの概要 ガイドブックの概要を受けて、検討が必要だと考えられる項目'}
first=find('実務読み替え版', 1315)
starts=[k for k in range(first, len(lines)) if re.match(r'^\s*[１-９]．\s', lines[k])][:9]
checklist_at=find('事業チェックリスト（マイナンバー利活用シーン向け読み替え版） その１', starts[-1])

def paragraphs(block):
    paras=[]; cur=None
    for l in block:
        t=l.strip()
        if t in LABELS or t=='' or re.fullmatch(r'\d+', t):
            if cur is not None and not (cur[-1].endswith('「意見提')): paras.append(cur); cur=None
            continue
        m=re.match(r'^([•※])\s*(.*)$',t)
        if (l.startswith(' ') and not m) or m:
            if cur is not None: paras.append(cur)
            cur=[m.group(2) if m else t] if not (m and m.group(1)=='※') else ['※'+m.group(2)]
        else:
            if cur is None: cur=[t]
            else: cur.append(t)
    if cur is not None: paras.append(cur)
    return [join(p) for p in paras]

# Per page: 検討内容で該当した背景・課題 / 実施すべきアクションの例 / 検討テーマにおけるイノベーション後の姿 /
# ガイドブックの概要 / ガイドブックの概要を受けて、検討が必要だと考えられる項目
plan={
 1:dict(background=[0,1,2],actions=[9,10,11],after=[3,4],overview=[5,6],considerations=[7,8]),
 2:dict(background=[0,1,2,3],actions=[4,5],after=[6,7],overview=[8,9],considerations=[10,11]),
 3:dict(background=[0,1,2],actions=[9,10,11,12],after=[3,4],overview=[5,6],considerations=[7,8]),
 4:dict(background=[0,1],actions=[2,3,4,5],after=[6,7],overview=[8,9],considerations=[10,11]),
 5:dict(background=[0,1,2],actions=[3,4,5,6,7],after=[8,9],overview=[10],considerations=[11,12]),
 6:dict(background=[0],actions=[1,2,3],after=[4],overview=[5],considerations=[6]),
 7:dict(background=[0,1,2],actions=[3,4,5],after=[6,7],overview=[8],considerations=[9,10]),
 8:dict(background=[7,8,9],actions=[10,11,12,13],after=[0,1,2],overview=[3,4],considerations=[5,6]),
 9:dict(background=[0,1,2,3],actions=[4,5,6,7,8,9],after=[10,11,12],overview=[13],considerations=[14,15]),
}
pages=[]
for n,(s,e) in enumerate(zip(starts, starts[1:]+[checklist_at]), start=1):
    paras=paragraphs(lines[s+1:e])
    p=plan[n]
    used=sorted(sum(p.values(),[]))
    left=[paras[j][:30] for j in range(len(paras)) if j not in used]
    if left: print(n,'left out:',left)
    page={'number':n,'title':re.sub(r'^[１-９]．\s*','',lines[s].strip())}
    for key,idx in p.items(): page[key]=[paras[j] for j in idx]
    pages.append(page)

# 事業チェックリスト 1-1 … 5-3: categories, each question with its sub-questions (・).
end=find('－H27年度', checklist_at)
categories=[]; item=None
for l in lines[checklist_at:end]:
    t=l.strip()
    if not t or t.startswith('事業チェックリスト') or t=='種別 項目': continue
    if re.match(r'^[１-５]．', t):
        categories.append({'title':t,'items':[]}); item=None; continue
    m=re.match(r'^([1-5]-[1-3])\s*(.*)$', t)
    if m:
        item={'code':m.group(1),'question':m.group(2),'checks':[]}; categories[-1]['items'].append(item); continue
    if t.startswith('・'):
        item['checks'].append(t[1:]); continue
    if item['checks']: item['checks'][-1]=join([item['checks'][-1], t])
    else: item['question']=join([item['question'], t])

json.dump({'title':'ＩＣＴ地域イノベーション・ガイドブック マイナンバー利活用シーン 実務読み替え版','pages':pages,'checklist':categories},
          open(OUTPUT,'w',encoding='utf-8'),ensure_ascii=False,indent=1)
