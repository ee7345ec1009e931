<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>AdminScreen</name>
    <message>
        <location filename="../widgets/screens.py" line="209"/>
        <source>管理</source>
        <translation>Administration</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="210"/>
        <source>打印机正常</source>
        <translation>Printer OK</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="211"/>
        <source>服务器已连接</source>
        <translation>Server connected</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="211"/>
        <source>服务器未连接</source>
        <translation>Server not connected</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="215"/>
        <source>补打号票 %1</source>
        <translation>Reprint ticket %1</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="217"/>
        <source>退出取号机</source>
        <translation>Quit the kiosk</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="218"/>
        <source>返回首页</source>
        <translation>Back to start</translation>
    </message>
</context>
<context>
    <name>BusyScreen</name>
    <message>
        <location filename="../widgets/screens.py" line="98"/>
        <source>正在取号，请稍候…</source>
        <translation>Getting your number, please wait…</translation>
    </message>
</context>
<context>
    <name>ClosedScreen</name>
    <message>
        <location filename="../widgets/screens.py" line="177"/>
        <source>今日已结束办理</source>
        <translation>Closed for today</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="178"/>
        <source>请于下一个工作日办理时间内再来取号。</source>
        <translation>Please come back to take a ticket during opening hours on the next working day.</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="180"/>
        <source>本日办理已于 %1 结束</source>
        <translation>Today's service ended at %1</translation>
    </message>
</context>
<context>
    <name>ConnectionBadge</name>
    <message>
        <location filename="../../qtclient/appkit.py" line="94"/>
        <source>● 在线</source>
        <translation>● Online</translation>
    </message>
    <message>
        <location filename="../../qtclient/appkit.py" line="97"/>
        <source>● 连接中…</source>
        <translation>● Connecting…</translation>
    </message>
    <message>
        <location filename="../../qtclient/appkit.py" line="102"/>
        <source>● 连接中断 · 最后更新 %1</source>
        <translation>● Disconnected · last update %1</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../widgets/screens.py" line="78"/>
        <source>政务服务中心</source>
        <translation>Government Service Center</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="82"/>
        <source>标准模式</source>
        <translation>Standard view</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="82"/>
        <source>长辈模式 大字</source>
        <translation>Large text</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <location filename="../widgets/home.py" line="132"/>
        <source>绿色通道：请选择要办理的业务</source>
        <translation>Priority lane: choose your service</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="133"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="135"/>
        <location filename="../widgets/home.py" line="211"/>
        <source>其他业务</source>
        <translation>Other services</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="137"/>
        <source>请选择要办理的业务</source>
        <translation>Please choose a service</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="137"/>
        <source>请选择业务类别</source>
        <translation>Please choose a category</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="154"/>
        <source>上一页</source>
        <translation>Previous</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="155"/>
        <source>下一页</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="158"/>
        <source>第 %1/%2 页</source>
        <translation>Page %1 of %2</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="191"/>
        <source>延时服务至 %1</source>
        <translation>Extended hours until %1</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="206"/>
        <source>%1 等 %2 项</source>
        <translation>%1 … (%2 in all)</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="208"/>
        <source>%1 项业务</source>
        <translation>%1 services</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="210"/>
        <source>暂不可取号</source>
        <translation>Not available now</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="164"/>
        <source>号码将显示在屏幕上，请拍照留存</source>
        <translation>your number will be shown on screen: please take a photo</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="168"/>
        <source>打印机已恢复：补打号票 %1</source>
        <translation>Printer is back: reprint ticket %1</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="170"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="171"/>
        <source>预约取号</source>
        <translation>Appointment check-in</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="173"/>
        <source>绿色通道</source>
        <translation>Priority lane</translation>
    </message>
    <message>
        <location filename="../widgets/home.py" line="186"/>
        <source>等候 %1 人 · 约 %2 分钟</source>
        <translation>%1 waiting · about %2 min</translation>
    </message>
</context>
<context>
    <name>KeypadScreen</name>
    <message>
        <location filename="../widgets/keypad.py" line="84"/>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="84"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="90"/>
        <source>数字</source>
        <translation>Digits 123</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="90"/>
        <source>字母 ABC</source>
        <translation>Letters ABC</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="106"/>
        <source>预约取号</source>
        <translation>Appointment check-in</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="107"/>
        <source>请输入短信或网上预约时收到的预约码</source>
        <translation>Enter the appointment code from your SMS or online booking</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="110"/>
        <source>绿色通道</source>
        <translation>Priority lane</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="111"/>
        <source>请工作人员输入密码</source>
        <translation>Staff: please enter the PIN</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="114"/>
        <source>管理员</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="115"/>
        <source>请输入管理员密码</source>
        <translation>Enter the admin PIN</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="122"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="123"/>
        <source>确认</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>KioskText</name>
    <message>
        <location filename="../texts.py" line="20"/>
        <source>预约码无效</source>
        <translation>Unknown appointment code</translation>
    </message>
    <message>
        <location filename="../texts.py" line="21"/>
        <source>没有找到这个预约码，请核对后重新输入，或到服务台咨询。</source>
        <translation>This code was not found. Please check it and try again, or ask at the service desk.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="22"/>
        <source>预约码已使用</source>
        <translation>Appointment already used</translation>
    </message>
    <message>
        <location filename="../texts.py" line="23"/>
        <source>这个预约已经取过号了。如号票遗失，请到服务台。</source>
        <translation>A ticket was already issued for this appointment. If you lost it, please go to the service desk.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="24"/>
        <source>还未到签到时间</source>
        <translation>Too early to check in</translation>
    </message>
    <message>
        <location filename="../texts.py" line="25"/>
        <source>预约时段开始前 30 分钟内才能取号，请稍后再来。</source>
        <translation>Check-in opens 30 minutes before your slot. Please come back a little later.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="26"/>
        <source>预约已过期</source>
        <translation>Appointment expired</translation>
    </message>
    <message>
        <location filename="../texts.py" line="27"/>
        <source>您的预约时段已过，请现场取号或重新预约。</source>
        <translation>Your appointment slot has passed. Please take a walk-in number or book again.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="28"/>
        <location filename="../texts.py" line="49"/>
        <source>不在取号时间</source>
        <translation>Outside issuing hours</translation>
    </message>
    <message>
        <location filename="../texts.py" line="29"/>
        <source>该业务现在不能取号，请在办理时间内再来。</source>
        <translation>Tickets for this service are not issued now. Please come back during its hours.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="30"/>
        <source>今日号已取完</source>
        <translation>No tickets left today</translation>
    </message>
    <message>
        <location filename="../texts.py" line="31"/>
        <source>该业务今天的号已经发完，请改日再来或网上预约。</source>
        <translation>All of today&apos;s tickets for this service are gone. Please come another day or book online.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="32"/>
        <source>业务暂停办理</source>
        <translation>Service suspended</translation>
    </message>
    <message>
        <location filename="../texts.py" line="33"/>
        <source>该业务今天暂停办理，请到服务台咨询。</source>
        <translation>This service is suspended today. Please ask at the service desk.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="34"/>
        <source>取号太频繁</source>
        <translation>Too many tickets</translation>
    </message>
    <message>
        <location filename="../texts.py" line="35"/>
        <source>本机取号过于频繁，请稍等一分钟再试。</source>
        <translation>This kiosk issued too many tickets just now. Please wait a minute and try again.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="36"/>
        <source>暂停取号</source>
        <translation>Ticketing paused</translation>
    </message>
    <message>
        <location filename="../texts.py" line="37"/>
        <source>与服务器的连接中断，请稍候。</source>
        <translation>The connection to the server is down. Please wait.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="38"/>
        <source>服务器无响应</source>
        <translation>No answer from the server</translation>
    </message>
    <message>
        <location filename="../texts.py" line="39"/>
        <source>没有取到号，请重试；如仍不行请到服务台。</source>
        <translation>No number was issued. Please try again, or go to the service desk.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="40"/>
        <source>尚未开始营业</source>
        <translation>Not open yet</translation>
    </message>
    <message>
        <location filename="../texts.py" line="41"/>
        <source>大厅今天还没有开始取号，请稍候。</source>
        <translation>The hall has not started issuing tickets today. Please wait.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="42"/>
        <source>密码错误</source>
        <translation>Wrong PIN</translation>
    </message>
    <message>
        <location filename="../texts.py" line="43"/>
        <source>请工作人员重新输入。</source>
        <translation>Staff: please enter it again.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="45"/>
        <source>无法取号</source>
        <translation>Cannot issue a ticket</translation>
    </message>
    <message>
        <location filename="../texts.py" line="45"/>
        <source>请到服务台咨询（错误代码 %1）。</source>
        <translation>Please ask at the service desk (error code %1).</translation>
    </message>
    <message>
        <location filename="../texts.py" line="50"/>
        <source>今日已取完</source>
        <translation>None left today</translation>
    </message>
    <message>
        <location filename="../texts.py" line="51"/>
        <source>暂停办理</source>
        <translation>Suspended</translation>
    </message>
    <message>
        <location filename="../texts.py" line="52"/>
        <source>尚未开始</source>
        <translation>Not open yet</translation>
    </message>
    <message>
        <location filename="../texts.py" line="56"/>
        <source>打印机缺纸</source>
        <translation>Printer out of paper</translation>
    </message>
    <message>
        <location filename="../texts.py" line="57"/>
        <source>打印机盖未关</source>
        <translation>Printer cover open</translation>
    </message>
    <message>
        <location filename="../texts.py" line="58"/>
        <source>打印机离线</source>
        <translation>Printer offline</translation>
    </message>
    <message>
        <location filename="../texts.py" line="59"/>
        <source>打印机未连接</source>
        <translation>Printer not connected</translation>
    </message>
    <message>
        <location filename="../texts.py" line="69"/>
        <source>打印机故障</source>
        <translation>Printer fault</translation>
    </message>
    <message>
        <location filename="../models.py" line="115"/>
        <source>暂不可取号</source>
        <translation>Not available now</translation>
    </message>
</context>
<context>
    <name>MessageScreen</name>
    <message>
        <location filename="../widgets/screens.py" line="124"/>
        <source>返回首页</source>
        <translation>Back to start</translation>
    </message>
</context>
<context>
    <name>PausedScreen</name>
    <message>
        <location filename="../widgets/screens.py" line="147"/>
        <source>暂停取号</source>
        <translation>Ticketing paused</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="149"/>
        <source>正在连接服务器…</source>
        <translation>Connecting to the server…</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="151"/>
        <source>与服务器的连接中断，正在自动重连</source>
        <translation>Connection to the server lost; reconnecting automatically</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="153"/>
        <source>最后联系时间：%1</source>
        <translation>Last contact: %1</translation>
    </message>
    <message>
        <location filename="../widgets/screens.py" line="154"/>
        <source>恢复后将自动继续取号。急需办理请到服务台。</source>
        <translation>Ticketing resumes by itself. If urgent, please go to the service desk.</translation>
    </message>
</context>
<context>
    <name>TicketScreen</name>
    <message>
        <location filename="../widgets/ticket.py" line="113"/>
        <source>%1 秒后返回首页</source>
        <translation>Back to start in %1 s</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="143"/>
        <source>号票未能打印 · 请拍照留存</source>
        <translation>Ticket not printed · please take a photo</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="146"/>
        <source>取号成功 · 正在打印号票…</source>
        <translation>Your number · printing the ticket…</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="149"/>
        <source>取号成功 · 请取走号票</source>
        <translation>Your number · please take your ticket</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="158"/>
        <source>您前面还有 %1 人</source>
        <translation>%1 people ahead of you</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="159"/>
        <source>预计等候约 %1 分钟</source>
        <translation>Estimated wait: about %1 min</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="162"/>
        <source>预约时段 %1</source>
        <translation>Appointment at %1</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="178"/>
        <source>打印机已恢复，请点击“重新打印”取号票。</source>
        <translation>The printer is back: tap “Print again” for your ticket.</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="182"/>
        <source>您的号码有效，请拍照留存此页面，并告知工作人员。</source>
        <translation>Your number is valid: take a photo of this screen and tell a member of staff.</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="185"/>
        <source>请留意叫号，过号请到服务台</source>
        <translation>Listen for your number; if you miss it, go to the service desk</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="188"/>
        <source>重新打印</source>
        <translation>Print again</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="188"/>
        <source>等待打印机恢复…</source>
        <translation>Waiting for the printer…</translation>
    </message>
    <message>
        <location filename="../widgets/ticket.py" line="189"/>
        <source>完成，返回首页</source>
        <translation>Done</translation>
    </message>
</context>
</TS>
