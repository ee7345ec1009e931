<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>ChoiceDialog</name>
    <message>
        <location filename="widgets/pickers.py" line="82" />
        <source>确定 (Enter)</source>
        <translation>OK (Enter)</translation>
    </message>
    <message>
        <location filename="widgets/pickers.py" line="83" />
        <source>取消 (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <location filename="widgets/pickers.py" line="146" />
        <source>请输入正确的号码，例如 A012</source>
        <translation>Enter a valid number, e.g. A012</translation>
    </message>
</context>
<context>
    <name>ConnectionBadge</name>
    <message>
        <location filename="../qtclient/appkit.py" line="94" />
        <source>● 在线</source>
        <translation>● Online</translation>
    </message>
    <message>
        <location filename="../qtclient/appkit.py" line="97" />
        <source>● 连接中…</source>
        <translation>● Connecting…</translation>
    </message>
    <message>
        <location filename="../qtclient/appkit.py" line="102" />
        <source>● 连接中断 · 最后更新 %1</source>
        <translation>● Offline · last update %1</translation>
    </message>
</context>
<context>
    <name>RatingView</name>
    <message>
        <location filename="widgets/rating.py" line="25" />
        <source>服务评价</source>
        <translation>Rate our service</translation>
    </message>
    <message>
        <location filename="widgets/rating.py" line="67" />
        <source>请选择不满意的原因（必选）</source>
        <translation>Please choose what went wrong (required)</translation>
    </message>
    <message>
        <location filename="widgets/rating.py" line="78" />
        <source>其他意见（可不填）</source>
        <translation>Other comments (optional)</translation>
    </message>
    <message>
        <location filename="widgets/rating.py" line="82" />
        <source>提交评价</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location filename="widgets/rating.py" line="103" />
        <source>感谢您的评价！</source>
        <translation>Thank you for your feedback!</translation>
    </message>
    <message>
        <location filename="widgets/rating.py" line="137" />
        <source>%1
欢迎您对我们的服务进行评价</source>
        <translation>%1
You are welcome to rate our service</translation>
    </message>
    <message>
        <location filename="widgets/rating.py" line="145" />
        <source>%1 号，请您对本次服务进行评价</source>
        <translation>%1, please rate this visit</translation>
    </message>
    <message>
        <location filename="widgets/rating.py" line="156" />
        <source>请先选择原因，再提交</source>
        <translation>Choose a reason first, then submit</translation>
    </message>
    <message>
        <location filename="widgets/rating.py" line="163" />
        <source>%1 秒后自动结束（未评价）</source>
        <translation>Closes in %1 s (not rated)</translation>
    </message>
    <message>
        <location filename="widgets/rating.py" line="165" />
        <source>正在提交…</source>
        <translation>Sending…</translation>
    </message>
</context>
<context>
    <name>TerminalView</name>
    <message>
        <location filename="widgets/terminal.py" line="53" />
        <source>叫号器</source>
        <translation>Window terminal</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="110" />
        <source>工号</source>
        <translation>Staff ID</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="113" />
        <source>密码</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="115" />
        <source>签到 (Enter)</source>
        <translation>Sign in (Enter)</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="189" />
        <source>扫描取号单二维码叫号</source>
        <translation>Scan a ticket's QR code to call it</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="207" />
        <source>扫码叫号</source>
        <translation>Scan to call</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="268" />
        <source>扫码叫号：</source>
        <translation>Scan to call:</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="302" />
        <source>%1 签到</source>
        <translation>%1 sign-in</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="302" />
        <source>窗口签到</source>
        <translation>Window sign-in</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="311" />
        <source>已暂停：%1</source>
        <translation>Paused: %1</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="318" />
        <source>挂起</source>
        <translation>Suspend</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="319" />
        <source>等候</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="325" />
        <source>等候人数：</source>
        <translation>Waiting: </translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="327" />
        <source>可恢复的挂起：</source>
        <translation>Suspended, can resume: </translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="328" />
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="337" />
        <source>空闲</source>
        <translation>Idle</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="338" />
        <source>当前没有号，按 F1 叫号</source>
        <translation>No current ticket; press F1 to call</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="353" />
        <source>（重呼 %1 次）</source>
        <translation> (recalled %1×)</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="355" />
        <source>等候 %1</source>
        <translation>Waited %1</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="357" />
        <source>办理 %1</source>
        <translation>Serving %1</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="359" />
        <source>叫号后 %1</source>
        <translation>Called %1 ago</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="379" />
        <source>请输入工号和密码</source>
        <translation>Enter staff ID and PIN</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="411" />
        <source>（默认）</source>
        <translation> (default)</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="413" />
        <source>办理结果</source>
        <translation>Outcome of the visit</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="414" />
        <source>Enter 或 F5 确认 · 数字键直接选择 · Esc 取消</source>
        <translation>Enter or F5 accepts · a number key picks · Esc cancels</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="417" />
        <source>不持件：回去补材料，任一窗口续办</source>
        <oldsource>不持件：群众回去补材料，可到本业务任一窗口续办</oldsource>
        <translation>Away: fetching papers; any window resumes</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="418" />
        <source>持件：材料留本窗口，回本窗口续办</source>
        <oldsource>持件：材料留在本窗口，群众回本窗口续办</oldsource>
        <translation>Hold: papers stay; resumes at this window</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="419" />
        <source>等待：等其他环节，本窗口先办别人</source>
        <oldsource>等待：等其他环节（如刻章），本窗口先办理其他群众</oldsource>
        <translation>Wait: on another step; serve others meanwhile</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="420" />
        <source>挂起方式</source>
        <translation>Suspend how?</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="421" />
        <source>Enter 或 F7 确认 · 数字键直接选择 · Esc 取消</source>
        <translation>Enter or F7 accepts · a number key picks · Esc cancels</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="423" />
        <source>转移到</source>
        <translation>Transfer to</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="426" />
        <source>恢复挂起的号</source>
        <translation>Resume a suspended ticket</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="428" />
        <source>指呼：输入号码</source>
        <translation>Call by number</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="428" />
        <source>号码</source>
        <translation>Number</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="431" />
        <source>暂停服务的原因</source>
        <translation>Reason for the pause</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="432" />
        <source>补充说明（可不填）</source>
        <translation>Note (optional)</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="441" />
        <source>请群众补充的材料（可多选）</source>
        <translation>Papers the citizen must bring (tick any)</translation>
    </message>
    <message>
        <location filename="widgets/terminal.py" line="443" />
        <source>数字键或空格勾选 · Enter 或 F7 确认 · Esc 取消</source>
        <translation>A number key or Space ticks · Enter or F7 accepts · Esc cancels</translation>
    </message>
</context>
<context>
    <name>WindowTerminal</name>
    <message>
        <location filename="screenshots.py" line="115" />
        <location filename="widgets/texts.py" line="86" />
        <source>开始办理 %1</source>
        <translation>Serving %1</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="9" />
        <source>叫号</source>
        <translation>Call next</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="10" />
        <source>重呼</source>
        <translation>Recall</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="11" />
        <source>开始办理</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="12" />
        <source>过号</source>
        <translation>No-show</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="13" />
        <source>办结</source>
        <translation>Finish</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="14" />
        <source>转移</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="15" />
        <source>挂起</source>
        <translation>Suspend</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="16" />
        <source>恢复挂起</source>
        <translation>Resume</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="17" />
        <source>指呼</source>
        <translation>Call no.</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="18" />
        <source>暂停</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="19" />
        <source>恢复服务</source>
        <translation>Reopen</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="20" />
        <source>签退</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="27" />
        <source>等候中</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="28" />
        <source>已叫号</source>
        <translation>Called</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="29" />
        <source>办理中</source>
        <translation>Serving</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="30" />
        <source>已挂起</source>
        <translation>Suspended</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="38" />
        <source>暂无等候的号</source>
        <translation>Nobody is waiting</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="39" />
        <source>请先处理完当前的号</source>
        <translation>Finish the current ticket first</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="40" />
        <source>窗口已暂停，请先恢复服务</source>
        <translation>The window is paused; reopen it first</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="41" />
        <location filename="widgets/texts.py" line="42" />
        <source>请先签到</source>
        <translation>Sign in first</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="43" />
        <source>当前没有号</source>
        <translation>No current ticket</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="44" />
        <source>该号当前状态不能进行此操作</source>
        <translation>Not possible in this ticket's state</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="45" />
        <source>工号或密码错误</source>
        <translation>Wrong staff ID or PIN</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="46" />
        <source>密码错误次数过多，请稍后再试</source>
        <translation>Too many wrong PINs; try again later</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="47" />
        <source>本机令牌不属于这个窗口</source>
        <translation>This device's token is for another window</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="48" />
        <source>本机令牌无权进行此操作</source>
        <translation>This device's token may not do that</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="49" />
        <source>本机令牌无效，请联系管理员</source>
        <translation>This device's token is invalid; call the administrator</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="50" />
        <source>未连接服务器，操作未发送</source>
        <translation>Not connected: nothing was sent</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="51" />
        <source>服务器未应答，连接恢复后自动确认</source>
        <translation>No answer from the server; will confirm when connected</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="52" />
        <source>连接中断，恢复后自动确认结果</source>
        <translation>Connection lost; will confirm the result when back</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="53" />
        <source>今天没有这个号</source>
        <translation>No such ticket today</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="54" />
        <source>本窗口不办理该业务</source>
        <translation>This window does not serve that service</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="55" />
        <source>过号已超过保留时间</source>
        <translation>The no-show grace time is over</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="56" />
        <source>该业务今日已停办</source>
        <translation>This service is closed today</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="57" />
        <source>该工号已在其他窗口签到</source>
        <translation>This clerk is signed in at another window</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="58" />
        <source>今日尚未开始营业</source>
        <translation>The day has not started</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="59" />
        <source>输入格式不正确</source>
        <translation>Invalid input</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="60" />
        <source>输入有误</source>
        <translation>Invalid value</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="61" />
        <source>该次办理已评价</source>
        <translation>This visit is already rated</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="62" />
        <source>请选择不满意的原因</source>
        <translation>Choose a reason</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="63" />
        <source>该号不是在本窗口办理的</source>
        <translation>That visit was not at this window</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="64" />
        <source>服务器存储故障，操作未生效，请重试</source>
        <translation>Server storage failed; nothing changed, try again</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="65" />
        <source>本大厅没有这个办理结果，请重新选择</source>
        <translation>This hall has no such outcome; choose again</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="66" />
        <source>这不是本大厅取号单的二维码</source>
        <translation>That is not the QR code of this hall's ticket</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="67" />
        <source>这是其他日期的取号单，请重新取号</source>
        <translation>This ticket is from another day: take a new one</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="68" />
        <source>该号已被叫到窗口或正在办理</source>
        <translation>That ticket is already called to a window or being served</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="69" />
        <source>该号已办结、已取消或已失效</source>
        <translation>That ticket is done, cancelled or expired</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="73" />
        <source>操作未成功（%1）</source>
        <translation>Failed (%1)</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="80" />
        <source>已签到</source>
        <translation>Signed in</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="81" />
        <source>已签退</source>
        <translation>Signed out</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="82" />
        <location filename="widgets/texts.py" line="83" />
        <source>已呼叫 %1</source>
        <translation>Called %1</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="84" />
        <source>扫码已呼叫 %1</source>
        <translation>Scanned: called %1</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="85" />
        <source>已重呼 %1</source>
        <translation>Recalled %1</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="87" />
        <source>%1 已过号</source>
        <translation>%1 marked no-show</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="88" />
        <source>%1 已转移</source>
        <translation>%1 transferred</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="89" />
        <source>%1 已挂起</source>
        <translation>%1 suspended</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="90" />
        <source>已恢复 %1</source>
        <translation>Resumed %1</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="91" />
        <source>窗口已暂停</source>
        <translation>Window paused</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="92" />
        <source>窗口已恢复服务</source>
        <translation>Window reopened</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="99" />
        <source>%1 办理完毕（%2），请群众评价</source>
        <translation>%1 finished (%2); the citizen may rate</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="105" />
        <source>非常满意</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="106" />
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="107" />
        <source>基本满意</source>
        <translation>Fairly satisfied</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="108" />
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="109" />
        <source>非常不满意</source>
        <translation>Very dissatisfied</translation>
    </message>
    <message>
        <location filename="widgets/texts.py" line="110" />
        <source>未评价</source>
        <translation>Not rated</translation>
    </message>
</context>
</TS>