<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>DisplayApp</name>
    <message>
        <location filename="../app.py" line="41"/>
        <source>综合显示屏</source>
        <translation>Hall display</translation>
    </message>
</context>
<context>
    <name>DisplayBoard</name>
    <message>
        <location filename="../widgets/board.py" line="246"/>
        <source>请以下号码到窗口办理</source>
        <translation>Please go to your window</translation>
    </message>
    <message>
        <location filename="../widgets/board.py" line="247"/>
        <source>暂无呼叫</source>
        <translation>No calls yet</translation>
    </message>
    <message>
        <location filename="../widgets/board.py" line="248"/>
        <source>最近呼叫</source>
        <translation>Recent calls</translation>
    </message>
    <message>
        <location filename="../widgets/board.py" line="249"/>
        <source>等候人数</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../widgets/board.py" line="330"/>
        <source>重呼</source>
        <translation>Recall</translation>
    </message>
    <message>
        <location filename="../widgets/board.py" line="353"/>
        <source>%1 人</source>
        <translation>%1</translation>
    </message>
    <message>
        <location filename="../widgets/board.py" line="354"/>
        <source>暂停</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../widgets/board.py" line="367"/>
        <source>连接中断 · 最后更新 %1</source>
        <translation>Connection lost · last update %1</translation>
    </message>
    <message>
        <location filename="../widgets/board.py" line="370"/>
        <source>正在连接服务器…</source>
        <translation>Connecting to the server…</translation>
    </message>
    <message>
        <location filename="../widgets/board.py" line="383"/>
        <source>yyyy年M月d日 dddd</source>
        <translation>dddd, d MMMM yyyy</translation>
    </message>
</context>
</TS>
